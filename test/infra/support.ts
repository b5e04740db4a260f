import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/lib/app';
import { CREDENTIALS } from '../../src/credentials';

export const CHIME_ACCOUNT = '5f2c1d2e-8a7b-4c3d-9e8f-0a1b2c3d4e5f';
export const WORKMAIL_ORG = `m-${'0123456789abcdef'.repeat(2)}`;

/** Every credential of the registry on, by its settings' examples (so each one's secrets are synthesized too). */
export const EVERY_CREDENTIAL_CONTEXT: Readonly<Record<string, string>> = Object.fromEntries(
  CREDENTIALS.flatMap((c) => Object.values(c.settings.variables).flatMap((s) => (s.context && s.example !== undefined ? [[s.context, s.example]] : []))),
);

/** The credentials' secrets, by variable name: each is a Secrets Manager secret whose ARN the function gets. */
// Once each: credentials that share a Setting (one directory's several actions) share its secret.
export const CREDENTIAL_SECRETS: readonly string[] = [...new Set(CREDENTIALS.flatMap((c) => Object.entries(c.settings.variables).flatMap(([v, s]) => (s.secret ? [v] : []))))];

/** Every feature on: every credential, license requests with admins, a pinned workspace. */
export const FULL_CONTEXT = {
  ...EVERY_CREDENTIAL_CONTEXT,
  chimeAccountId: CHIME_ACCOUNT,
  workmailOrganizationId: WORKMAIL_ORG,
  approvalsChannelId: 'C0APPROVALS',
  adminUserIds: 'U0ADMIN1,U0ADMIN2',
  adminUsergroupId: 'S0ADMINS',
  slackTeamId: 'T0LATCHKEY',
  logLevel: 'debug',
  reservedConcurrency: '20',
  alarmEmail: 'it-oncall@acme.example',
};

export interface Synthesized {
  readonly template: Template;
  readonly json: CfnTemplate;
  readonly stackName: string;
  /** The cloud assembly's validation report (cdk-nag and CloudFormation checks), if any was written. */
  readonly report?: ValidationReport;
  /** Every acknowledged (suppressed) validation finding: construct path, rule id, reason. */
  readonly acknowledgments: readonly Acknowledged[];
  /** Set when synthesis was stopped by a validation failure (an unacknowledged cdk-nag error). */
  readonly validationError?: Error;
  /** The warnings `cdk synth` and `cdk deploy` print (Annotations.addWarningV2 on any construct of the stack). */
  readonly warnings: readonly string[];
  /** Every file written to cdk.out (the template, the manifest, the construct tree, the asset), as text. */
  readonly written: readonly string[];
}

export interface Acknowledged {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string[] }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; severity: string; description: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

/**
 * Synthesizes the real CDK app (infra/lib/app.ts: stack plus cdk-nag) against a throwaway code
 * directory holding a stub lambda.js, so no build is needed. Call once per test file.
 */
export function synth(context: Record<string, string> = FULL_CONTEXT, options: { dotEnv?: string; shell?: Record<string, string>; say?: (line: string) => void } = {}): Synthesized {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-infra-'));
  const code = path.join(dir, 'code');
  fs.mkdirSync(code);
  fs.writeFileSync(path.join(code, 'lambda.js'), 'exports.handler = async () => ({ statusCode: 200 });\n');
  const outdir = path.join(dir, 'cdk.out');
  try {
    const { app, stack } = buildApp({ outdir, context: { codePath: code, ...context } }, options);
    let validationError: Error | undefined;
    // CDK prints the validation report on stderr; the tests read the report file instead.
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      app.synth();
    } catch (err) {
      // The template is written before the validation plugins run; keep it and report the failure.
      validationError = err as Error;
    } finally {
      printed.mockRestore();
    }
    const json = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.stackName}.template.json`), 'utf8')) as CfnTemplate;
    const reportPath = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(reportPath) ? (JSON.parse(fs.readFileSync(reportPath, 'utf8')) as ValidationReport) : undefined;
    const acknowledgments = stack.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
    );
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    const written = fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).flatMap((name) => {
      const file = path.join(outdir, name);
      return fs.statSync(file).isFile() ? [fs.readFileSync(file, 'utf8')] : [];
    });
    return { template: Template.fromJSON(json), json, stackName: stack.stackName, report, acknowledgments, validationError, warnings, written };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every identity-policy statement attached to the role with this logical ID, actions as arrays. */
export function roleStatements(json: CfnTemplate, roleLogicalId: string): Statement[] {
  const role = json.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role`);
  const documents: any[] = (role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument);
  for (const resource of Object.values(json.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = asArray(resource.Properties?.Roles);
    if (roles.some((r: any) => r?.Ref === roleLogicalId)) documents.push(resource.Properties.PolicyDocument);
  }
  return documents.flatMap((d) =>
    asArray(d.Statement).map((s: any) => ({ ...s, Action: asArray(s.Action), Resource: asArray(s.Resource) })),
  );
}

/** Every policy document anywhere in the template (identity policies, trust policies, resource policies). */
export function allPolicyStatements(json: CfnTemplate): { resource: string; statement: any }[] {
  const found: { resource: string; statement: any }[] = [];
  const walk = (node: unknown, resource: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, resource));
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.Statement !== undefined && (obj.Version !== undefined || Array.isArray(obj.Statement))) {
      for (const statement of asArray(obj.Statement as any)) found.push({ resource, statement });
    }
    for (const value of Object.values(obj)) walk(value, resource);
  };
  for (const [id, resource] of Object.entries(json.Resources)) walk(resource.Properties, id);
  return found;
}

/** Actions that grant more than one named action: "*", "service:*", or any pattern with * or ?. */
export function wildcardActions(statements: { statement: any }[]): string[] {
  return statements
    .flatMap(({ statement }) => [...asArray(statement.Action), ...asArray(statement.NotAction)])
    .filter((a): a is string => typeof a === 'string' && /[*?]/.test(a));
}

/** Values that look like a Slack credential (tokens start xox…/xapp-) or a signing secret's name. */
export function secretLookingValues(values: Record<string, unknown>): string[] {
  return Object.entries(values)
    .filter(([key, value]) => /^SLACK_(SIGNING_SECRET|BOT_TOKEN|APP_TOKEN)$/.test(key) || (typeof value === 'string' && /xox[abposr]-|xapp-/.test(value)))
    .map(([key]) => key);
}

export function logicalIdOf(json: CfnTemplate, type: string, predicate: (props: any) => boolean = () => true): string {
  const ids = Object.entries(json.Resources)
    .filter(([, r]) => r.Type === type && predicate(r.Properties ?? {}))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return ids[0]!;
}

export const ofType = (json: CfnTemplate, type: string) => Object.values(json.Resources).filter((r) => r.Type === type);
