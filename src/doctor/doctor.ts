import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuthTestResponse } from '@slack/web-api';
import type { SlackApi } from '../slack/slack-web-api';
import { approvalsChannelInUse, decidedByAdmins, oneAdminWhy, type Config } from '../config';
import type { AdapterContext, Credential, CredentialSettings } from '../credentials/credential';
import { asFailure, LatchkeyFailure } from '../flows/failure';
import { identifyRequester } from '../flows/identify-requester';
import { pickDirectoryUser } from '../flows/pick-directory-user';
import { networkErrorCode } from '../http/network-errors';
import { memberIdByEmail, SLACK_USER_ID } from '../slack/member-by-email';
import { GRANT_SCOPES_HOW, scopesNeeded } from '../slack/scopes';
import { slackErrorCode } from '../slack/slack-errors';
import { SIGNATURE_ADVICE, SIGNATURE_WARNING } from '../slack/signature-watch';
import { SlackWorkspaceMembers } from '../slack/workspace-members';
import { namedTables, slackAddress, tableCheckName, tableProblem, tokenWorkspaceProblem } from '../start-checks';
import { sharesSettings } from '../verifiers/verifier';
import { failureLabel } from '../views/failure-labels';
import { failed, failedAs, failedBy, passed, sayCausesOnce, unchecked, waiting, warned, type SetupCheck } from './setup-check';
import { ADDRESS_CHECK, addressSettings, unresolvedHost, unresolvedHostLine } from './unresolved-host';

interface DoctorDeps {
  readonly config: Config;
  readonly slack: SlackApi;
  readonly dynamo: DynamoDBClient;
  readonly context: AdapterContext;
  /**
   * The check was asked for by a request Slack signed, which passed the signature check with
   * SLACK_SIGNING_SECRET before it reached the app (the Home tab's Setup check, over Request URLs):
   * that proves the secret. Absent for `npm run doctor`, which cannot.
   */
  readonly askedBySignedRequest?: boolean;
}

/**
 * `npm run doctor` and the Home tab's Setup check: every part the configuration uses, checked with
 * read-only calls only (auth.test, conversations.info, users.info, usergroups.users.list,
 * DescribeTable, and each credential's own check()), one line each. With a person (their user ID,
 * or their email, looked up with users.lookupByEmail), the identity checks and the directory match
 * a reset would make for them: no limit is counted, no audit record written, nothing changed.
 */
export async function runDoctor(deps: DoctorDeps, options: { person?: string } = {}): Promise<SetupCheck[]> {
  const [slack, tables, credentials] = await Promise.all([slackChecks(deps), tableChecks(deps), credentialChecks(deps)]);
  const lines = [...slack, ...tables, ...credentials.lines];
  // Where a directory's own check failed, the name of the line above saying why (a shared AWS cause's, or its own).
  const failedAbove = (c: Credential) => (credentials.failed.has(c.settings) ? failedAs(lines, c.words.directory) : undefined);
  const person = options.person === undefined ? [] : await personChecks(deps, options.person, failedAbove);
  return [...sayCausesOnce(lines), ...configWarnings(deps.config), ...person];
}

/**
 * What the start warns of (a RESET_POLICY entry for a credential not set up here, a misspelled
 * setting): a ✗ line each, with what to do. A notice (a variable that only shares a family
 * prefix with the settings, most often another program's; a credential set up but off, as its
 * default policy cannot be served here) is a ⚠ line, which fails nothing.
 */
function configWarnings(config: Config): SetupCheck[] {
  return config.warnings.map((w) => (w.notice ? warned : failed)(`${w.variable} ${w.subject}`, w.message));
}

async function slackChecks({ config, slack, askedBySignedRequest }: DoctorDeps): Promise<SetupCheck[]> {
  const channel = approvalsChannelInUse(config);
  let auth: Awaited<ReturnType<SlackApi['auth']['test']>>;
  try {
    auth = await slack.auth.test();
  } catch (err) {
    // Without auth.test's answer the other Slack checks are not asked: the line names them, and
    // counts them as the AWS credentials line counts what it fails, so the total does not shrink.
    const blocked = [
      'Slack scopes',
      ...(channel !== undefined ? ['Approvals channel'] : []),
      ...config.admins.userIds.map((id) => `Admin ${id}`),
      ...(config.admins.usergroupId ? ['Admin group'] : []),
    ];
    const stopped = (line: SetupCheck): SetupCheck[] => [
      { ...line, detail: `${line.detail}. Affected: ${blocked.join(', ')}`, affects: 1 + blocked.length },
      ...(config.admins.userIds.length === 0 && !config.admins.usergroupId ? [passed('Admins', 'none configured: the Home tab has no admin sections')] : []),
      signingSecretLine(config, askedBySignedRequest),
    ];
    // No answer at all says nothing about the token: a name that does not resolve, a refused connection, a proxy.
    if ((err as { code?: string }).code === 'slack_webapi_rate_limited_error') return stopped(failed('Slack token', `auth.test was ${slackProblem(err)}`));
    if (notSlacksAnswer(err)) return stopped(failed('Slack token', `SLACK_API_URL did not answer as Slack's API does (auth.test: ${slackProblem(err)}): check SLACK_API_URL (https://slack.com/api/ unless you go through a proxy)`));
    if (slackServerError(err)) return stopped(failed('Slack token', `Slack answered auth.test with ${slackProblem(err)}: Slack, or a proxy on the way, is failing; try again later (status.slack.com)`));
    const unresolved = unresolvedHost(err);
    if (unresolved) return stopped(unresolvedHostLine(unresolved, 'SLACK_API_URL, if you set it', `Slack ${ADDRESS_CHECK}`));
    if (slackUnanswered(err)) return stopped(failed('Slack token', `Slack could not be reached (auth.test: ${slackProblem(err)}): check this machine's network path to Slack (DNS, proxy, firewall), and SLACK_API_URL if you set it`));
    return stopped(failed('Slack token', `auth.test failed (${slackProblem(err)}): check SLACK_BOT_TOKEN (xoxb-…, OAuth & Permissions) and SLACK_API_URL`));
  }
  const checks: SetupCheck[] = [];
  const otherWorkspace = tokenWorkspaceProblem(auth, config.slack.workspace);
  checks.push(otherWorkspace ? failed('Slack token', otherWorkspace) : tokenLine(auth, config.slack.bot));
  const granted = auth.response_metadata?.scopes;
  const needed = scopesNeeded({ usergroup: config.admins.usergroupId !== undefined, approvalsChannel: channel !== undefined });
  if (!granted) checks.push(failed('Slack scopes', 'Slack did not say which scopes the token has (no x-oauth-scopes header): check SLACK_API_URL'));
  else {
    const missing = needed.filter((s) => !granted.includes(s));
    checks.push(
      missing.length === 0
        ? passed('Slack scopes', `all ${needed.length} needed are granted`)
        : failed('Slack scopes', `missing ${missing.join(', ')}: to grant them, ${GRANT_SCOPES_HOW}`),
    );
  }
  if (channel !== undefined) checks.push(await channelCheck(slack, channel));
  checks.push(...(await adminChecks(config, slack)));
  checks.push(signingSecretLine(config, askedBySignedRequest));
  return checks;
}

/**
 * The token's line, with the bot's IDs as the Lambda entry point reads them (docs/deploy.md): a
 * cold start given SLACK_BOT_ID and SLACK_BOT_USER_ID takes them for its own and never asks
 * auth.test. Unset: the two IDs, which docs/deploy.md sends a Lambda deployer here for, and no
 * advice, as a server never reads them. Set to another bot's: a ✗, since that cold start would act
 * as the other bot.
 */
function tokenLine(auth: AuthTestResponse, bot: Config['slack']['bot']): SetupCheck {
  const name = 'Slack token';
  const who = `the bot ${auth.user_id} of workspace ${auth.team_id}`;
  if (!auth.bot_id || !auth.user_id) return passed(name, who);
  const set = `SLACK_BOT_ID=${auth.bot_id} and SLACK_BOT_USER_ID=${auth.user_id} (-c slackBotId=${auth.bot_id} -c slackBotUserId=${auth.user_id})`;
  if (!bot) return passed(name, `${who} (bot ${auth.bot_id})`);
  const wrong = [
    ...(bot.botId === auth.bot_id ? [] : [`SLACK_BOT_ID is ${bot.botId}`]),
    ...(bot.botUserId === auth.user_id ? [] : [`SLACK_BOT_USER_ID is ${bot.botUserId}`]),
  ];
  if (wrong.length === 0) return passed(name, `${who} (bot ${auth.bot_id}), as SLACK_BOT_ID and SLACK_BOT_USER_ID say`);
  return failed(
    name,
    `${who} (bot ${auth.bot_id}), but ${wrong.join(' and ')}: on Lambda a cold start takes these as its own without asking auth.test, so it would act as another bot. ` +
      `Set ${set}, the token's, and deploy again`,
  );
}

/**
 * Slack has no API that checks a signing secret: only Slack's own requests to the server prove it.
 * A Setup check clicked on the Home tab is one (its request passed the check with this secret);
 * `npm run doctor` cannot tell, and says so with a line neither passed nor failed, with where a
 * wrong one shows, rather than a ✓ (a reader takes every ✓ for proved) or no line at all.
 */
function signingSecretLine(config: Config, askedBySignedRequest = false): SetupCheck {
  const name = 'Slack signing secret';
  if (config.slack.appToken) {
    return unchecked(name, "set, and not used: in Socket Mode (SLACK_APP_TOKEN) Slack's requests come over its WebSocket, unsigned. It is checked by Slack's requests once the app uses Request URLs instead");
  }
  if (askedBySignedRequest) return passed(name, "set; Slack's signed requests are arriving: this Setup check's own click came signed by Slack, and passed the check with it");
  return unchecked(
    name,
    `set; it cannot be checked from here (Slack has no API for it): an admin's Setup check on the Home tab proves it, as its click comes signed by Slack. A wrong one shows when Slack's requests arrive: every command fails in Slack with dispatch_failed, and the server logs the warning "${SIGNATURE_WARNING}"; then ${SIGNATURE_ADVICE}`,
  );
}

async function channelCheck(slack: SlackApi, channel: string): Promise<SetupCheck> {
  const name = 'Approvals channel';
  try {
    const { channel: info } = await slack.conversations.info({ channel });
    if (info?.is_archived) return failed(name, `APPROVALS_CHANNEL_ID ${channel} is archived: unarchive it or choose another`);
    if (!info?.is_member) return failed(name, `the bot is not in APPROVALS_CHANNEL_ID ${channel}${info?.name ? ` (#${info.name})` : ''}: invite it with /invite @Latchkey there`);
    return passed(name, `the bot is in ${channel}${info.name ? ` (#${info.name})` : ''}`);
  } catch (err) {
    const code = slackErrorCode(err);
    // Slack answers channel_not_found for a private channel the bot is not in, as for an ID of no channel.
    if (code === 'channel_not_found') {
      return failed(
        name,
        `APPROVALS_CHANNEL_ID ${channel} was not found: Slack says so of a private channel the bot is not in, as of a wrong ID. ` +
          `For a private channel, the bot must be invited (/invite @Latchkey in that channel) and the app needs the groups:read scope: to grant it, ${GRANT_SCOPES_HOW}. ` +
          'Otherwise correct APPROVALS_CHANNEL_ID',
      );
    }
    return failed(name, `conversations.info failed (${slackProblem(err)})${slackNextStep(err, 'channels:read and groups:read')}`);
  }
}

/** A doctor run asks Slack about this many of the admin group's members at most (users.info is Tier 4: 100+ a minute). */
const GROUP_MEMBERS_CHECKED = 50;

/** Why a guest is no admin, and what to do: `from` is where they are named. */
const guestAdmin = (where: string, from: string) =>
  `a guest in Slack${where}: guests should not decide others' credential requests: remove them from ${from}, or make them a full member of this workspace`;

/** users.info failed: what Slack answered (the members' reader wraps it in ours), and what to do. */
function membersReadFailed(name: string, err: unknown): SetupCheck {
  const slackErr = err instanceof LatchkeyFailure && err.cause !== undefined ? err.cause : err;
  return failed(name, `users.info failed (${slackProblem(slackErr)})${slackNextStep(slackErr, 'users:read')}`);
}

async function adminChecks(config: Config, slack: SlackApi): Promise<SetupCheck[]> {
  const members = new SlackWorkspaceMembers(slack);
  // Each admin read, and whether Slack calls their email unconfirmed: the admins stand in for the workspace.
  const read: { id: string; unconfirmed: boolean }[] = [];
  const getMember = async (id: string) => {
    const member = await members.getMember(id);
    if (member) read.push({ id, unconfirmed: member.emailConfirmed === false });
    return member;
  };
  const checks = await Promise.all(
    config.admins.userIds.map(async (id) => {
      const name = `Admin ${id}`;
      try {
        const member = await getMember(id);
        if (!member) return failed(name, `no such user in this workspace: correct ADMIN_USER_IDS (in Slack: the person's profile → ⋮ More → Copy member ID)`);
        if (member.deleted) return failed(name, `deactivated in Slack: remove them from ADMIN_USER_IDS`);
        if (member.isBot) return failed(name, `is a bot: remove it from ADMIN_USER_IDS`);
        // ConfiguredAdmins refuses a guest every admin action at runtime: said here too, where it can be put right.
        if (member.isGuest) return failed(name, guestAdmin('', 'ADMIN_USER_IDS'));
        return passed(name, 'an active member');
      } catch (err) {
        return membersReadFailed(name, err);
      }
    }),
  );
  const group = config.admins.usergroupId;
  if (group) {
    try {
      const { users = [] } = await slack.usergroups.users.list({ usergroup: group });
      // One admin in all (the group's one member, ADMIN_USER_IDS adding no other) while admins decide requests: their own never are.
      const admins = new Set([...config.admins.userIds, ...users]);
      const decided = decidedByAdmins(config);
      // Those not in ADMIN_USER_IDS (whose lines say it already): a line only for a guest, or one Slack would not say.
      const others = users.filter((id) => !config.admins.userIds.includes(id));
      const asked = others.slice(0, GROUP_MEMBERS_CHECKED);
      const unasked = others.length > asked.length ? `; the first ${GROUP_MEMBERS_CHECKED} were checked for guests` : '';
      const memberLines = await Promise.all(
        asked.map(async (id) => {
          try {
            const member = await getMember(id);
            return member?.isGuest ? [failed(`Admin ${id}`, guestAdmin(`, in the admin group ${group}`, 'the group'))] : [];
          } catch (err) {
            return [membersReadFailed(`Admin ${id}`, err)];
          }
        }),
      );
      checks.push(
        users.length === 0
          ? failed('Admin group', `${group} has no members: add the admins to it`)
          : admins.size === 1 && decided.length > 0
            ? warned('Admin group', `${group} has 1 member, ${users[0]}, and ADMIN_USER_IDS adds no other admin, ${oneAdminWhy(users[0]!, decided)}: add a second admin to the group or to ADMIN_USER_IDS`)
            : passed('Admin group', `${group} has ${users.length} ${users.length === 1 ? 'member' : 'members'}${unasked}`),
        ...memberLines.flat(),
      );
    } catch (err) {
      const next =
        slackErrorCode(err) === 'no_such_subteam'
          ? ': no user group of this workspace has this ID: correct ADMIN_USERGROUP_ID (a user group ID, S…)'
          : slackNextStep(err, 'usergroups:read');
      checks.push(failed('Admin group', `usergroups.users.list for ADMIN_USERGROUP_ID ${group} failed (${slackProblem(err)})${next}`));
    }
  }
  if (config.admins.userIds.length === 0 && !group) checks.push(passed('Admins', 'none configured: the Home tab has no admin sections'));
  const unconfirmed = read.filter((r) => r.unconfirmed).map((r) => r.id).sort();
  // Where Slack calls admins' emails unconfirmed it most likely calls others' so too (as it does in some SSO
  // workspaces): said here, before they are refused, since an upgrade to this rule changed nothing in the setup.
  if (unconfirmed.length > 0 && config.slack.workspace.emailsVerifiedBySso !== true) {
    checks.push(
      warned(
        "Admins' emails",
        `Slack calls ${unconfirmed.length} of the ${read.length} admins' emails unconfirmed (${unconfirmed.join(', ')}): anyone whose email Slack calls unconfirmed is refused every reset (SLACK_EMAIL_UNCONFIRMED). ` +
          'If your workspace requires SSO to sign in, set SLACK_EMAILS_VERIFIED_BY_SSO=true (see README\'s "Who may use it")',
      ),
    );
  }
  return checks;
}

async function tableChecks({ config, dynamo }: DoctorDeps): Promise<SetupCheck[]> {
  return Promise.all(
    namedTables(config).map(async (table) => {
      const name = tableCheckName(table);
      const problem = await tableProblem(dynamo, table, { createTables: config.createTables });
      if (!problem) return passed(name, `${table.tableName} exists${table.indexes.length ? ` with ${table.indexes.join(', ')}` : ''}`);
      const line = failed(name, problem.kind === 'unchecked' ? `${problem.message}: grant it to check the table` : problem.message);
      return problem.cause ? { ...line, cause: problem.cause } : line;
    }),
  );
}

/**
 * Each enabled credential's check(), and the verifier's when VERIFY_WITH names one. A verifier on a
 * credential's own settings (sharesSettings: Okta Verify on Okta's org and token) depends on that
 * credential's check: when it failed, the verifier is not checked, and its line says why. The
 * long-running server runs these once after its start too (directories-at-start.ts).
 */
export async function credentialChecks({ config, context }: Pick<DoctorDeps, 'config' | 'context'>): Promise<{ lines: SetupCheck[]; failed: ReadonlySet<object> }> {
  // Credentials on one directory share its settings declaration, and so its check (Okta's password, unlock and MFA): checked once.
  const seen = new Set<object>();
  const once = config.credentials.filter(({ credential }) => !seen.has(credential.settings) && seen.add(credential.settings));
  const credentials = Promise.all(
    once.map(({ credential, settings }) => pluginLines(credential.words.directory, credential.settings.variables, credential.check && (() => credential.check!(settings, context)))),
  );
  const verify = config.verify;
  const on = verify ? once.findIndex(({ credential }) => sharesSettings(verify.plugin, credential)) : -1;
  const own = () => (verify ? pluginLines(verify.plugin.words.app, verify.plugin.settings.variables, verify.plugin.check && (() => verify.plugin.check!(verify.settings, context))) : []);
  // A verifier on no credential's settings is checked beside them; one on a credential's, after it.
  const [lines, independent] = await Promise.all([credentials, on === -1 ? own() : undefined]);
  // By settings declaration, the directories whose own check failed: what depends on them is not checked.
  const failed = new Set(once.filter((_, i) => lines[i]!.some((c) => !c.ok)).map(({ credential }) => credential.settings));
  return { lines: [...lines.flat(), ...(independent ?? (await verifierAfter(once[on]!.credential)))], failed };

  async function verifierAfter(credential: Credential): Promise<readonly SetupCheck[]> {
    const { plugin } = verify!;
    const [name, directory] = [plugin.words.app, credential.words.directory];
    const variables = Object.keys(plugin.settings.variables).join(' and ');
    if (failed.has(credential.settings)) return [waiting(name, directory, `not checked, ${directory} failed above: it uses the same ${variables}, and is checked once ${directory} passes`)];
    // The very same check on the same settings would prove the same thing again: one line says where it was proved.
    if (credential.check === plugin.check) return [passed(`${name}: settings`, `${variables}, checked above for ${directory}`)];
    return own();
  }
}

/** A plug-in's check() as its lines, each named after it; one that throws is a failed line with what to do next. */
async function pluginLines(name: string, variables: CredentialSettings<unknown>['variables'], check?: () => Promise<readonly SetupCheck[]>): Promise<SetupCheck[]> {
  if (!check) return [passed(name, 'configured (this plug-in has no read-only check)')];
  // A host DNS cannot find, said again naming the plug-in's setting that holds it, when it has one.
  const typed = addressSettings(variables).join(' or ');
  try {
    return (await check()).map((c) => ({ ...c, ...(c.unresolved && typed ? unresolvedHostLine(c.unresolved, typed) : {}), name: `${name}: ${c.name}` }));
  } catch (err) {
    const unresolved = unresolvedHost(err);
    if (unresolved) return [{ ...unresolvedHostLine(unresolved, typed || 'its URL setting'), name: `${name}: ${ADDRESS_CHECK}` }];
    const failure = asFailure(err);
    const next =
      failure.code === 'DIRECTORY_MISCONFIGURED'
        ? `check ${name}'s settings and the permissions README's Configuration lists for it`
        : `run the check again; if it fails again, check the network path to ${name}`;
    return [failedBy(name, `the check failed (${failure.detail ?? failure.code}): ${next}`, failure.code)];
  }
}

/**
 * "Why can't Bob reset?": the identity checks, then each credential's directory match, read-only;
 * not looked up where the directory's own check failed above (a – line says so).
 */
async function personChecks({ config, slack, context }: DoctorDeps, person: string, failedAbove: (credential: Credential) => string | undefined): Promise<SetupCheck[]> {
  let userId = person;
  if (!SLACK_USER_ID.test(person)) {
    // An admin most often knows the person by email: looked up as the audit CLI does, in its words.
    try {
      userId = await memberIdByEmail(slack, person, slackAddress(config.slack.apiUrl));
    } catch (err) {
      return [failed(`Person ${person}`, (err as Error).message)];
    }
  }
  const who = userId === person ? userId : `${userId} (${person})`;
  const requester = { userId, teamId: config.slack.workspace.teamId };
  let email: string;
  try {
    email = (await identifyRequester(requester, new SlackWorkspaceMembers(slack), config.slack.workspace)).email;
  } catch (err) {
    const failure = asFailure(err);
    return [failed(`Person ${who}`, `refused by every credential: ${failureLabel(failure.code)} (${failure.code})`)];
  }
  // Only an explicit false refuses (identifyRequester): an absent flag passes, so "verified" would say more than was read.
  const emailRests = config.slack.workspace.emailsVerifiedBySso === true ? 'an email verified by single sign-on (SLACK_EMAILS_VERIFIED_BY_SSO=true)' : 'an email Slack does not call unconfirmed';
  const checks = [passed(`Person ${who}`, `an active full member of this workspace, with ${emailRests}`)];
  for (const { credential, settings } of config.credentials) {
    const name = `Person ${who}, ${credential.command}`;
    // Its directory's own check failed above: the lookup would only fail the same way again.
    const above = failedAbove(credential);
    if (above !== undefined) {
      checks.push(waiting(name, above, `not checked, ${above} failed above`));
      continue;
    }
    try {
      const user = await pickDirectoryUser(await credential.load(settings, context), email);
      const policy = config.policies.get(credential.id) ?? 'self-service';
      checks.push(passed(name, `allowed: would reset directory user ${user.id}${policy === 'self-service' ? '' : ` (policy ${policy}: ${policy === 'verify' ? 'after a push to their phone' : "after an admin's approval"})`}`));
    } catch (err) {
      const failure = asFailure(err);
      const label = failureLabel(failure.code, { reason: failure.reason, words: credential.words });
      // Nothing to change (an unlock of an account not locked) is no refusal: worth a read, never a failure.
      if (failure.code === 'NOTHING_TO_CHANGE') {
        checks.push(warned(name, `${label} (${failure.code})`));
        continue;
      }
      const line = `${label.startsWith('refused') ? label : `refused: ${label}`} (${failure.code})`;
      checks.push(failed(name, failure.code === 'DIRECTORY_MISCONFIGURED' ? `${line}: ${misconfigured(credential.words.directory, failure.detail)}` : line));
    }
  }
  return checks;
}

/**
 * A person's directory match refused as DIRECTORY_MISCONFIGURED: the directory refused Latchkey
 * itself (its token, key or permissions), so the fix is the setup, not the person. The directory's
 * own check lines, above in the same run, say what to fix; the call they make may differ from a
 * lookup's, so when they pass, what the lookup needs is the next thing to check.
 */
function misconfigured(directory: string, detail: string | undefined): string {
  return (
    `${directory} refused Latchkey itself, not this person (${detail ?? 'no detail given'}): the ${directory} lines above say what to fix; ` +
    `if they pass, check that the permissions README's Configuration lists for ${directory} are all granted, as this lookup needs them too`
  );
}

/**
 * What to do after a read the doctor makes of Slack failed, as ': …' to add to its line: a scope
 * the token lacks is granted through the manifest (GRANT_SCOPES_HOW); a rate limit already says
 * when to run it again (slackProblem); anything else (Slack failing, the network) is run again, and the Slack
 * token line above says whether the token and SLACK_API_URL answer at all.
 */
function slackNextStep(err: unknown, scopes: string): string {
  if (slackErrorCode(err) === 'missing_scope') return `: to grant ${scopes}, ${GRANT_SCOPES_HOW}`;
  if ((err as { code?: string } | undefined)?.code === 'slack_webapi_rate_limited_error') return '';
  return ': run the check again; if it fails again, see the Slack token line above for whether Slack answers at all';
}

/** The call got no HTTP answer from Slack (the Web API client's request error, or a network error of our own). */
/** An answer, but not from Slack's Web API: a page that is not JSON, a 4xx, a redirect (a proxy or an intranet page at SLACK_API_URL, say). */
function notSlacksAnswer(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number; original?: { code?: unknown } } | undefined;
  if (e?.code === 'slack_webapi_http_error') return (e.statusCode ?? 0) < 500;
  return e?.code === 'slack_webapi_request_error' && e.original?.code === 'REDIRECT_REFUSED';
}

function slackServerError(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number } | undefined;
  return e?.code === 'slack_webapi_http_error' && (e.statusCode ?? 0) >= 500;
}

function slackUnanswered(err: unknown): boolean {
  if (slackErrorCode(err)) return false;
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'slack_webapi_request_error' || (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code));
}

/** A Slack failure by its error code, or a network failure by its code: never a message that could carry a URL. */
function slackProblem(err: unknown): string {
  const code = slackErrorCode(err);
  if (code) return code;
  const e = err as { code?: string; original?: unknown; statusCode?: number };
  if (e.code === 'slack_webapi_request_error') return networkErrorCode(e.original);
  if (e.code === 'slack_webapi_http_error') return e.statusCode === 200 ? 'HTTP 200, not JSON' : `HTTP ${e.statusCode}`;
  if (e.code === 'slack_webapi_rate_limited_error') return `rate-limited by Slack: run the check again in ${(err as { retryAfter?: number }).retryAfter ?? 60} s`;
  return networkErrorCode(err);
}
