/**
 * On Node 20 the AWS SDK's first client prints a notice, a Node warning of eight lines, that its
 * releases after the first week of January 2027 need Node 22. The command-line tools (the doctor,
 * the audit, `npm run deploy` for cdk's own SDK) and the sandbox leave it out: it is about the
 * Node the command happens to run on, not the setup or the records asked for, and it stood above
 * every answer they gave. The switch is the SDK's own, the one its maintainers give for it
 * (aws/aws-sdk-js-v3 issue 7983), and set only when the environment says nothing, so `=false`
 * shows it again. npm start keeps the notice: the README's advice to run servers on Node 22 or 24
 * is about that process.
 */
export function quietNodeVersionNotice(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
