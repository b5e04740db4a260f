import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildBundle } from './bundle';
import { contextFromDotEnv, describeDotEnv } from './dot-env';
import { LatchkeyStack } from './latchkey-stack';
import { SettingsError, settingsFromContext, type LatchkeySettings } from './settings';

export interface BuildOptions {
  /** Build the Lambda bundle first into the default code path (unless -c codePath names one). */
  readonly buildBundle?: boolean;
  /** A .env to read the app's settings from where the context gives none (the CLI: DOT_ENV_PATH); none is read without it. */
  readonly dotEnv?: string;
  /** The shell's variables (the CLI: process.env), which win over .env's as for the app; none by default. */
  readonly shell?: Readonly<Record<string, string | undefined>>;
  /** Where what was taken from .env is said; standard error by default. */
  readonly say?: (line: string) => void;
}

/**
 * The CDK app as `cdk synth`/`cdk deploy` build it, and as the tests build it: the stack from the
 * context, with cdk-nag's AwsSolutions rules applied to everything in it. With `buildBundle` (the
 * CLI's entry point), the Lambda bundle is built first into the default code path; with `dotEnv`
 * (the CLI's too), the app's settings the context leaves out come from that file.
 */
export function buildApp(props: AppProps = {}, options: BuildOptions = {}): { app: App; stack: LatchkeyStack } {
  const app = new App(props);
  const fromContext = (key: string): unknown => app.node.tryGetContext(key);
  const dotEnv = options.dotEnv === undefined ? undefined : contextFromDotEnv(options.dotEnv, fromContext, options.shell);
  const say = options.say ?? console.error;
  let settings: LatchkeySettings | undefined;
  try {
    settings = settingsFromContext((key) => fromContext(key) ?? dotEnv?.context[key], Object.keys(app.node.getAllContext()), dotEnv);
  } finally {
    // Said before the settings' problems, which may be about a value from .env; with them known, .env's
    // AWS_REGION is said to be checked when a directory called in the function's region is set up.
    if (dotEnv) for (const line of describeDotEnv(dotEnv, settings && regionalDirectory(settings))) say(line);
  }
  for (const warning of settings.dotEnvWarnings) say(`  ${warning}`);
  const elsewhere = regionMismatch(settings, dotEnv?.region, options.shell ?? {});
  if (elsewhere !== undefined) throw new SettingsError([elsewhere]);
  // `cdk synth`/`cdk deploy` bundle the code themselves unless told which package to deploy.
  if (options.buildBundle && app.node.tryGetContext('codePath') === undefined) buildBundle(settings.codePath);
  const stack = new LatchkeyStack(app, settings.stackName, { settings });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

/**
 * A service called in the function's own region (WorkMail: awsRegions) whose organization .env's
 * AWS_REGION places elsewhere than this deploy goes (CDK_DEFAULT_REGION, which cdk sets from the
 * profile or shell): deployed there, every reset of it would fail, as the doctor run from .env
 * would not show. None when either region is unknown: the stack's CfnRule still checks the region.
 */
function regionMismatch(settings: LatchkeySettings, dotEnvRegion: string | undefined, shell: Readonly<Record<string, string | undefined>>): string | undefined {
  const deployRegion = shell.CDK_DEFAULT_REGION?.trim();
  if (!dotEnvRegion || !deployRegion || dotEnvRegion === deployRegion) return undefined;
  const name = regionalDirectory(settings);
  if (!name) return undefined;
  return (
    `AWS_REGION: .env says ${dotEnvRegion}, the region of ${name}'s organization, but this deploy goes to ${deployRegion} (your AWS profile's or shell's region), ` +
    `and the function calls ${name} in its own region: every reset would fail. Deploy to ${dotEnvRegion} (AWS_REGION=${dotEnvRegion} npm run deploy, or npm run deploy -- --profile <a profile whose region is ${dotEnvRegion}>), ` +
    `or, if the organization is in ${deployRegion}, set AWS_REGION=${deployRegion} in .env (.env's; your shell's AWS_REGION, if set, wins for npm start)`
  );
}

/** The directory set up whose calls go to the function's own region (WorkMail), if any: .env's AWS_REGION is where its organization is. */
function regionalDirectory(settings: LatchkeySettings): string | undefined {
  return settings.credentials.find(({ credential }) => credential.awsRegions !== undefined)?.credential.words.directory;
}
