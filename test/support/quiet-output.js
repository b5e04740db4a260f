/**
 * `npm test` prints what a developer needs to read: test results and real failures. Two things
 * that are neither are turned off here, in every test file's environment (and so in the app
 * processes tests start with it):
 * - the AWS SDK's notice that its 2027 releases need Node 22, once per test file on Node 20: the
 *   README says which Node each part needs;
 * - Lambda's metric lines (CloudWatch EMF JSON on stdout), which Powertools writes past Jest's
 *   console: test/integration/metrics.test.ts turns them back on to check them.
 * Each stays as set when a developer sets it, to see them.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
