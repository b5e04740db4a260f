import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENT_VERSION_FLAG_DEFAULTS, CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

/**
 * infra/cdk.json sets every CDK feature flag whose recommended value is not already its default,
 * so `cdk synth` does not print "N feature flags are not configured", and a CDK upgrade that adds
 * one fails here until it is decided. Two are kept at their default on purpose (docs/deploy.md).
 */
const CONTEXT = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

describe("infra/cdk.json's feature flags", () => {
  const undecided = Object.entries(CURRENTLY_RECOMMENDED_FLAGS)
    // What an unset flag means: its default for this CDK version, or false.
    .filter(([flag, recommended]) => JSON.stringify(recommended) !== JSON.stringify((CURRENT_VERSION_FLAG_DEFAULTS as Record<string, unknown>)[flag] ?? false))
    .map(([flag]) => flag);

  it('decides every flag the CDK would report as not configured', () => {
    expect(undecided.length).toBeGreaterThan(50);
    expect(undecided.filter((flag) => !(flag in CONTEXT))).toEqual([]);
  });

  it('takes the recommended value, except where it would change the template or send more metadata', () => {
    const kept = Object.entries(CONTEXT)
      .filter(([flag, value]) => flag in CURRENTLY_RECOMMENDED_FLAGS && JSON.stringify(value) !== JSON.stringify((CURRENTLY_RECOMMENDED_FLAGS as Record<string, unknown>)[flag]))
      .map(([flag]) => flag);
    expect(kept.sort()).toEqual(['@aws-cdk/aws-iam:minimizePolicies', '@aws-cdk/core:enableAdditionalMetadataCollection']);
  });
});
