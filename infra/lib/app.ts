import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LatchkeyStack } from './latchkey-stack';
import { settingsFromContext } from './settings';

/**
 * The CDK app as `cdk synth`/`cdk deploy` build it, and as the tests build it: the stack from the
 * context, with cdk-nag's AwsSolutions rules applied to everything in it.
 */
export function buildApp(props: AppProps = {}): { app: App; stack: LatchkeyStack } {
  const app = new App(props);
  const settings = settingsFromContext((key) => app.node.tryGetContext(key));
  const stack = new LatchkeyStack(app, settings.stackName, { settings });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
