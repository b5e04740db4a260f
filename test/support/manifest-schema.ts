import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Slack's published manifest JSON Schemas (draft-07), copied from shared/slack with their licence.
const SCHEMAS = join(__dirname, '..', 'fixtures', 'slack-manifest-schema');
const SCHEMA_BASE = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
const load = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8'));

/** Slack's schema's complaints about an app manifest: none when it validates. */
export function manifestSchemaErrors(candidate: unknown): unknown[] {
  // strict: false because Slack's schema uses a non-standard `regex` keyword.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(load('manifest.schema.1.0.0.json'), `${SCHEMA_BASE}manifest.schema.1.0.0.json`);
  ajv.addSchema(load('manifest.schema.2.0.0.json'), `${SCHEMA_BASE}manifest.schema.2.0.0.json`);
  const validate = ajv.compile(load('manifest.schema.json'));
  return validate(candidate) ? [] : (validate.errors ?? ['invalid']);
}
