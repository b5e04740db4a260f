import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildBundle } from './bundle';
import { LatchkeyStack } from './latchkey-stack';
import { settingsFromContext } from './settings';

/**
 * The CDK app as `cdk synth`/`cdk deploy` build it, and as the tests build it: the stack from the
 * context, with cdk-nag's AwsSolutions rules applied to everything in it. With `buildBundle` (the
 * CLI's entry point), the Lambda bundle is built first into the default code path.
 */
export function buildApp(props: AppProps = {}, options: { buildBundle?: boolean } = {}): { app: App; stack: LatchkeyStack } {
  const app = new App(props);
  const settings = settingsFromContext((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
  // `cdk synth`/`cdk deploy` bundle the code themselves unless told which package to deploy.
  if (options.buildBundle && app.node.tryGetContext('codePath') === undefined) buildBundle(settings.codePath);
  const stack = new LatchkeyStack(app, settings.stackName, { settings });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
