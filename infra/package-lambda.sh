#!/usr/bin/env bash
# Builds what the stack deploys: the compiled app (dist/, from `npm run build`) plus its
# production dependencies, in infra/build/lambda. Then: cd infra && npx cdk deploy -c codePath=infra/build/lambda …
# Needs only Node and npm; no bundler, no Docker.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
if [ ! -f dist/lambda.js ]; then
  echo "dist/lambda.js is missing: the build must produce the Lambda entry point (src/lambda.ts exporting handler)." >&2
  exit 1
fi

out=infra/build/lambda
rm -rf "$out"
mkdir -p "$out"
cp -R dist/. "$out/"
cp package.json package-lock.json "$out/"
# The locked versions, without devDependencies (CDK, jest, TypeScript stay behind). `npm install`
# with the lock file rather than `npm ci`, which also insists on dev-only optional packages.
npm install --omit=dev --no-save --ignore-scripts --no-audit --no-fund --prefix "$out"
rm -f "$out/package-lock.json"
echo "Lambda package ready: $out ($(du -sh "$out" | cut -f1))"
