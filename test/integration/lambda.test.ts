import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CHIME_ACCOUNT, SIGNING_SECRET, TEAM, secretIn, useHarness, type Harness } from '../support/harness';
import { credentialSecretArn, credentialSecretVariables, FUNCTION_NAME, SECRET_ARNS } from '../support/lambda-entry';
import { postSigned, slackSignature } from '../support/slack-requests';
import { SIGNATURE_WARNING } from '../../src/slack/signature-watch';

/**
 * The AWS Lambda entry point (src/lambda.ts) as deployed: behind a function URL, reading its Slack
 * secrets from Secrets Manager, answering Slack in one invocation and working in another.
 */
describe('Latchkey on AWS Lambda', () => {
  const h = useHarness({ entry: 'lambda' }, (x) => {
    x.slack.clear();
    x.chime.clear();
  });
  const invokesSince = (n: number) => h.lambda.callsTo('Invoke').slice(n);

  it('/reset-pin end to end: the new PIN reaches the modal after Slack has the acknowledgement, never before', async () => {
    const before = h.lambda.callsTo('Invoke').length;
    const { ack, submission, final, viewId } = await h.reset('/reset-pin', 'UANN');
    expect(ack.status).toBe(200);
    expect(submission?.json).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(submission?.json)).not.toMatch(/\d{6,}/);

    const pin = secretIn(final);
    expect(pin).toBe(h.chime.pinOf('chime-ann'));

    // The bug this design exists to avoid: an acknowledgement sent after the secret replaces it.
    const answeredAt = h.lambda.answers.find((a) => a.body.includes('response_action'))!.at;
    const secretShownAt = h.slack.callsTo('views.update').filter((c) => c.args.view_id === viewId).at(-1)!.at;
    expect(answeredAt).toBeLessThanOrEqual(secretShownAt);

    // Each Slack request was answered by one invocation and worked by one asynchronous invocation.
    const invokes = invokesSince(before);
    expect(invokes).toHaveLength(2);
    expect(invokes.every((c) => c.params.InvocationType === 'Event' && c.params.FunctionName === FUNCTION_NAME)).toBe(true);
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome' && r.outcome === 'success');
  });

  it('/reset-password works the same way', async () => {
    const { final } = await h.reset('/reset-password', 'UCARL');
    expect(secretIn(final)).toBe(h.workmail.passwordOf('wm-carl'));
  });

  it('a license request is sent, reviewed and applied across invocations', async () => {
    const { view, viewId } = await h.open('/request-license', 'UANN');
    await h.submit('UANN', view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: 'Plus' } } },
        reason: { reason: { type: 'plain_text_input', value: 'Webinars on Thursdays' } },
      },
    });
    await h.viewUpdate(viewId, 2);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0APPROVALS');
    const button = (post.args.blocks as any[]).flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === 'license_review');
    const review = await h.opening((trigger) =>
      h.click('UADA', 'license_review', button.value, { channel: post.result!.channel, ts: post.result!.ts }, trigger),
    );
    await h.submit('UADA', review.view, {
      values: {
        decision: { decision: { type: 'radio_buttons', selected_option: { value: 'approve' } } },
        comment: { comment: { type: 'plain_text_input', value: null } },
      },
    });
    await h.viewUpdate(review.viewId, 2);
    const update = h.chime.callsTo('UpdateUser');
    expect(update).toHaveLength(1);
    expect(update[0]!.params).toMatchObject({ AccountId: CHIME_ACCOUNT, UserId: 'chime-ann', LicenseType: 'Plus' });
  });

  it('an inline form error is answered by the acknowledging invocation itself', async () => {
    const { view } = await h.open('/request-license', 'UBOB');
    const submitted = await h.submit('UBOB', view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: 'Pro' } } },
        reason: { reason: { type: 'plain_text_input', value: null } },
      },
    });
    expect(submitted.json).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });
  });

  it('reads the Slack secrets from Secrets Manager once per cold start; its environment holds only their ARNs', async () => {
    await h.open('/reset-pin', 'UBOB');
    await h.open('/reset-pin', 'UBOB');
    const reads = h.lambda.callsTo('GetSecretValue').map((c) => c.params.SecretId);
    expect(reads.sort()).toEqual([SECRET_ARNS.botToken, SECRET_ARNS.signingSecret, ...credentialSecretVariables().map(credentialSecretArn)].sort());
    const env = JSON.stringify((h.latchkey as unknown as { lambdaEnv: object }).lambdaEnv);
    expect(env).not.toContain(SIGNING_SECRET);
    expect(env).not.toContain(h.slack.botToken);
  });

  it.each(credentialSecretVariables())("reads the credential's own %s through <NAME>_ARN: its environment holds the ARN, never the value", (variable) => {
    const lambdaEnv = (h.latchkey as unknown as { lambdaEnv: Record<string, string> }).lambdaEnv;
    expect(lambdaEnv).not.toHaveProperty(variable);
    expect(lambdaEnv[`${variable}_ARN`]).toBe(credentialSecretArn(variable));
    const value = [...h.standIns.values()].map((x) => x.env[variable]).find((v) => v !== undefined)!;
    expect(JSON.stringify(lambdaEnv)).not.toContain(value);
  });

  it("/reset-okta-password works on Lambda with the API token read from Secrets Manager", async () => {
    const { final } = await h.reset('/reset-okta-password', 'UANN');
    const okta = h.standIns.get('okta_password') as import('../../src/credentials/okta-stand-in').OktaSimulator;
    expect(secretIn(final)).toBe(okta.tempPasswordOf('00uann'));
    expect(h.lambda.callsTo('GetSecretValue').map((c) => c.params.SecretId)).toContain(credentialSecretArn('OKTA_API_TOKEN'));
  });

  it('refuses an unsigned request with 401 and hands nothing off', async () => {
    const before = h.lambda.callsTo('Invoke').length;
    const res = await h.command('/reset-pin', 'UANN', {}, { badSignature: true });
    expect(res.status).toBe(401);
    expect(invokesSince(before)).toHaveLength(0);
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
  });

  it('a 401 is an info line with its reason, as on the server, never a warn: anyone can send one, so it must never page anyone', async () => {
    const refusals = () => h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request refused' && l.status === 401);
    const before = refusals().length;
    const body = 'command=%2Freset-pin';
    expect((await fetch(h.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status).toBe(401);
    expect((await postSigned(h.eventsUrl, body, SIGNING_SECRET, { badSignature: true })).status).toBe(401);
    const lines = refusals().slice(before);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toEqual(expect.objectContaining({ level: 'info', reason: expect.any(String) }));
      expect(line).not.toHaveProperty('alert');
    }
    expect(lines[1]!.reason).not.toBe(lines[0]!.reason);
  });

  it("Slack's requests refused three times in a row with none passing are one warn per container saying to check SLACK_SIGNING_SECRET, never an alert, as on the server; unsigned ones never count", async () => {
    const warned = () => h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).startsWith(SIGNATURE_WARNING));
    // A signed request passes the check (and is then refused for its command): the count starts here.
    expect((await h.command('/format-disk', 'UANN')).status).toBe(400);
    const before = warned().length;
    const body = 'command=%2Freset-pin';
    const unsigned = () => fetch(h.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const forged = () => postSigned(h.eventsUrl, body, SIGNING_SECRET, { badSignature: true });
    for (let i = 0; i < 5; i++) expect((await unsigned()).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await forged()).status).toBe(401);
    expect(warned()).toHaveLength(before);
    for (let i = 0; i < 4; i++) expect((await forged()).status).toBe(401);
    expect(warned().slice(before)).toEqual([
      expect.objectContaining({ level: 'warn', refusedInARow: 3, signatureMismatch: 3, msg: expect.stringContaining('check SLACK_SIGNING_SECRET (your Slack app → Basic Information') }),
    ]);
    expect(warned().slice(before)[0]).not.toHaveProperty('alert');
  });

  it('answers junk with a 4xx, never a crash', async () => {
    const before = h.lambda.callsTo('Invoke').length;
    const url = h.eventsUrl;
    expect((await postSigned(url, 'command=/reset-pin', SIGNING_SECRET, { contentType: 'text/plain' })).status).toBe(415);
    expect((await postSigned(url, 'command=/reset-pin', SIGNING_SECRET, { contentType: 'application/json' })).status).toBe(400);
    // Signed, but a form body that reads as JSON: the worker would read it otherwise than its type says.
    expect((await postSigned(url, '{"command":"/reset-pin"}', SIGNING_SECRET)).status).toBe(400);
    expect((await postSigned(url, 'payload=null', SIGNING_SECRET)).status).toBe(400);
    expect((await postSigned(url, `payload=${'x'.repeat(70_000)}`, SIGNING_SECRET)).status).toBe(413);
    expect((await h.command('/format-disk', 'UANN')).status).toBe(400);
    expect((await fetch(`${h.url}/nowhere`)).status).toBe(404);
    expect(invokesSince(before)).toHaveLength(0);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('a work order not signed by Slack is dropped: whoever may invoke the function still cannot make it reset', async () => {
    const body = new URLSearchParams({ command: '/reset-pin', user_id: 'UANN', team_id: TEAM, trigger_id: h.slack.newTriggerId() }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const client = new LambdaClient({ endpoint: h.lambda.apiUrl });
    const order = { kind: 'latchkey.work', body, timestamp: String(timestamp), signature: slackSignature('not-the-secret-0123456789', timestamp, body) };
    await client.send(new InvokeCommand({ FunctionName: FUNCTION_NAME, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(order)) }));
    await h.lambda.idle();
    client.destroy();
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(h.chime.calls).toHaveLength(0);
    expect(h.logs.join('')).toContain('work order refused');
  });

  it('a work order Lambda delivers twice is worked once: the new PIN stays on screen', async () => {
    const opened = await h.open('/reset-pin', 'UCARL');
    h.lambda.deliverNextTwice();
    const submitted = await h.submit('UCARL', opened.view);
    const final = await h.shownAfter(submitted, opened.viewId);
    await h.lambda.idle();

    const pin = h.chime.pinOf('chime-carl');
    expect(secretIn(final)).toBe(pin);
    expect(h.lambda.worked.slice(-2).every((w) => !w.error)).toBe(true);
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(1);
    // Nothing replaced the secret: the second delivery ran no listener.
    const updates = h.slack.callsTo('views.update').filter((c) => c.args.view_id === opened.viewId);
    expect(secretIn(updates.at(-1)!.args.view)).toBe(pin);
    expect(h.logs.join('')).toContain('work order delivered again');
  });

  it('when the work cannot be handed off, the person is told nothing was changed, and nothing is', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    h.lambda.failNext('Invoke', 'AccessDeniedException');
    const submitted = await h.submit('UBOB', opened.view);
    expect(submitted.status).toBe(200);
    expect(submitted.json.response_action).toBe('update');
    expect(JSON.stringify(submitted.json.view)).toContain('Nothing was changed');
    await h.lambda.idle();
    expect(h.chime.callsTo('ResetPersonalPIN')).toHaveLength(0);

    h.lambda.failNext('Invoke', 'AccessDeniedException');
    const command = await h.command('/reset-pin', 'UBOB');
    expect(command.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Nothing was changed') });
  });

  it("a function whose timeout was lowered by hand below what its credentials' change needs still starts, and an operator is paged with what to set", async () => {
    const neededS = h.lambda.deployedTimeoutMs / 1000;
    h.lambda.functionTimeoutMs = 30_000;
    h.coldNext(1);
    try {
      const opened = await h.open('/reset-pin', 'UBOB');
      expect(opened.view.submit).toBeDefined();
      expect(fatalLines(h)).toEqual([]);
      expect(timeoutAlerts(h)).toEqual([
        expect.stringContaining(
          `the function's timeout is 30 s, and a change of the credentials it serves needs ${neededS} s: one that does not fit what is left of its invocation is refused, nothing changed, and its person asked to try again. ` +
            `Deploy with the stack (npm run deploy), which gives the function the timeout it needs, or set its timeout to ${neededS} s.`,
        ),
      ]);
    } finally {
      h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs;
    }
  });
});

/** What each alert that the function's timeout is too short for its settings said. */
function timeoutAlerts(h: Harness): string[] {
  return h.logs
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg: string; alert?: boolean; problem?: string })
    .filter((line) => line.msg === "this function's timeout is shorter than its settings need" && line.alert === true)
    .map((line) => line.problem ?? '');
}

/** What each fatal 'Latchkey could not start' line gave as its reason. */
function fatalLines(h: Harness): string[] {
  return h.logs
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg: string; err?: string })
    .filter((line) => line.msg === 'Latchkey could not start')
    .map((line) => line.err ?? '');
}

describe('Latchkey on AWS Lambda, before its secrets are put', () => {
  let h: Harness;
  const hh = useHarness({ entry: 'lambda' });
  beforeAll(() => {
    h = hh;
    h.lambda.secrets.delete(SECRET_ARNS.botToken);
  });

  it('tells the person the command did not run, and starts once the secret is there', async () => {
    const first = await h.command('/reset-pin', 'UANN');
    expect(first.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Try again') });
    // The fatal line names the setting and the secret that failed, and what to check: the SDK's words alone named neither.
    expect(fatalLines(h)).toEqual([
      `ResourceNotFoundException: SLACK_BOT_TOKEN could not be read from its secret, ${SECRET_ARNS.botToken} (SLACK_BOT_TOKEN_ARN): ` +
        "Secrets Manager can't find the specified secret. Check that the secret exists in eu-west-1 and has its value (step 4 of docs/deploy.md), " +
        "and that this function's role may read it (secretsmanager:GetSecretValue, the stack's ReadSecrets statement)",
    ]);

    h.lambda.secrets.set(SECRET_ARNS.botToken, h.slack.botToken);
    const opened = await h.open('/reset-pin', 'UANN');
    expect(opened.view.submit).toBeDefined();
  });
});

/**
 * The verify policy's wait is counted in the function's timeout (functionTimeoutS): the stack sets
 * both from -c verifyTimeoutSeconds. Set on the function alone, longer than the stack planned for,
 * the worker would run past its timeout while the push waits, and its person be left waiting.
 */
describe('Latchkey on AWS Lambda, with VERIFY_TIMEOUT_SECONDS set on the function beyond what its timeout was made for', () => {
  const h = useHarness({ entry: 'lambda', env: { RESET_POLICY: 'pin=verify', VERIFY_WITH: 'okta', VERIFY_TIMEOUT_SECONDS: '120' } });

  it('starts, and pages an operator with what to change: every push answered within the function is served', async () => {
    // Deployed for the default minute's wait, then the variable raised to 2 minutes by hand.
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs - 60_000;
    const timeoutS = h.lambda.functionTimeoutMs / 1000;
    const neededS = h.lambda.deployedTimeoutMs / 1000;
    const opened = await h.open('/reset-pin', 'UANN');
    expect(opened.view.submit).toBeDefined();
    expect(fatalLines(h)).toEqual([]);
    expect(timeoutAlerts(h)).toEqual([
      expect.stringContaining(
        `VERIFY_TIMEOUT_SECONDS: a push may wait 120 s, so this function needs a timeout of ${neededS} s (the wait, then the change), and its timeout is ${timeoutS} s: ` +
          'Lambda would stop the worker while the push still waits, so one approved late would change nothing, and its person be told only that something went wrong. ' +
          'Set the wait with the stack (-c verifyTimeoutSeconds=120), which gives the function the timeout it needs, or set VERIFY_TIMEOUT_SECONDS to 60 or less.',
      ),
    ]);
  });
});

describe('Latchkey on AWS Lambda, its first invocation begun a few seconds into its time (an init Lambda ran inside it)', () => {
  const h = useHarness({ entry: 'lambda', env: { RESET_POLICY: 'pin=verify', VERIFY_WITH: 'okta' } });

  it('pages nobody: a late start is not a timeout set too short', async () => {
    h.lambda.functionTimeoutMs = h.lambda.deployedTimeoutMs - 4_000;
    const opened = await h.open('/reset-pin', 'UANN');
    expect(opened.view.submit).toBeDefined();
    expect(timeoutAlerts(h)).toEqual([]);
  });
});
