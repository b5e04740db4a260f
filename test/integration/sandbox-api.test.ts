import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { CREDENTIALS } from '../../src/credentials';
import type { OktaSimulator } from '../../src/credentials/okta-stand-in';
import { capitalized } from '../../src/views/words';
import { accountLine } from '../support/sandbox-page';
import { until } from '../support/until';

/** The sandbox's own API, over HTTP as a browser would reach it: its page may use it, other sites may not. */
describe("the sandbox's API", () => {
  let sandbox: Sandbox;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latchkey-sandbox-api-'));
    sandbox = await startSandbox({ port: 0, dataDir });
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const command = (headers: Record<string, string>, body = JSON.stringify({ user: 'UANN', channel: 'C0GENERAL01', text: '/reset-pin' })) =>
    fetch(`${sandbox.url}api/command`, { method: 'POST', headers, body });
  const opens = () => sandbox.slack.callsTo('views.open').length;
  /**
   * What the app was sent (the last of the sandbox's record of it, which keeps 200), and the
   * windows opened. A refusal goes out once the sandbox's route has ended, and a route records what
   * it sent the app before it answers (Workspace.record): read at the refusal, this is final, no
   * wait needed. A window opens only from what the app was sent.
   */
  const sentToApp = () => ({ sent: sandbox.workspace.appRequests.length, last: sandbox.workspace.appRequests.at(-1), opens: opens() });

  /** fetch will not send another Host; node:http sends what it is given, as a rebound name would arrive. */
  function withHost(host: string, method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
    const { port } = new URL(sandbox.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it("the phone panel answers only a push waiting on the picked person's own phone", async () => {
    const okta = sandbox.standIns.get('okta_password')!;
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    await post('command', { user: 'UMAX', channel: 'C0GENERAL01', text: '/reset-okta-password' });
    const confirm = await sandbox.slack.waitForCall('views.update', (c) => c.args.view?.callback_id === 'reset_okta_password_confirm');
    const viewId = String(confirm.args.view_id);
    await post('submit', { user: 'UMAX', viewId, values: {} });
    let waiting: { id: string; choices?: readonly number[] }[] = [];
    for (let i = 0; i < 100 && waiting.length === 0; i++) {
      waiting = okta.phone!.waiting('max@example.com');
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting).toHaveLength(1);
    // Number matching: the phone offers a few numbers, the right one among them, and does not say which.
    const push = (okta as OktaSimulator).pushes().find((p) => p.id === waiting[0]!.id)!;
    const state = (await (await fetch(`${sandbox.url}api/state?user=UMAX`)).json()) as { phone: { id: string; choices?: number[] }[] };
    expect(state.phone).toEqual([{ id: push.id, app: 'Okta Verify', choices: expect.arrayContaining([push.correctAnswer]) }]);
    expect(state.phone[0]!.choices).toHaveLength(3);
    // Ann cannot answer Max's push from her phone panel.
    expect((await post('phone', { user: 'UANN', push: push.id, approve: true, pick: push.correctAnswer })).status).toBe(409);
    // Max picks a number that is not the one Slack shows: Okta rejects the push, as it does.
    const wrong = push.choices.find((n) => n !== push.correctAnswer)!;
    expect((await post('phone', { user: 'UMAX', push: push.id, approve: true, pick: wrong })).status).toBe(200);
    expect(okta.phone!.waiting('max@example.com')).toEqual([]);
    expect((okta as OktaSimulator).pushes().find((p) => p.id === push.id)!.result).toBe('REJECTED');
    await sandbox.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && /reject/i.test(JSON.stringify(c.args.view)));
  });

  it("Erin, whose Okta password expired, resets it as her line in demo-users.yml says: the push reaches her phone, and she is shown a temporary password", async () => {
    const okta = sandbox.standIns.get('okta_password') as OktaSimulator;
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const seen = sandbox.slack.callsTo('views.update').length;
    /** The next view shown after the `n`th update seen so far. */
    const shown = async (predicate: (view: Record<string, any>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const found = sandbox.slack.callsTo('views.update').slice(seen).find((c) => predicate(c.args.view as Record<string, any>));
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no such view; shown: ${JSON.stringify(sandbox.slack.callsTo('views.update').slice(seen).map((c) => c.args.view))}`);
    };
    await post('command', { user: 'UERIN', channel: 'C0GENERAL01', text: '/reset-okta-password' });
    // Before: 'you have no Okta Verify set up', and no confirmation.
    const confirm = await shown((v) => v.callback_id === 'reset_okta_password_confirm');
    const viewId = String(confirm.args.view_id);
    await post('submit', { user: 'UERIN', viewId, values: {} });
    let waiting: { id: string }[] = [];
    for (let i = 0; i < 100 && waiting.length === 0; i++) {
      waiting = okta.phone!.waiting('erin@example.com');
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting).toHaveLength(1);
    const push = okta.pushes().find((p) => p.id === waiting[0]!.id)!;
    expect((await post('phone', { user: 'UERIN', push: push.id, approve: true, pick: push.correctAnswer })).status).toBe(200);
    const secret = await shown((v) => v.title?.text === 'Your temporary password');
    expect(JSON.stringify(secret.args.view)).toContain(okta.tempPasswordOf('00uerin')!);
  });

  it("Nina, whose Okta Verify is still on her old phone, gets no push on the phone she holds: Okta sends it to the old one, so she cannot approve it, and the modal points her to /reset-okta-mfa", async () => {
    const okta = sandbox.standIns.get('okta_password') as OktaSimulator;
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const seen = sandbox.slack.callsTo('views.update').length;
    await post('command', { user: 'UNINA', channel: 'C0GENERAL01', text: '/reset-okta-password' });
    let confirm;
    for (let i = 0; i < 200 && !confirm; i++) {
      confirm = sandbox.slack.callsTo('views.update').slice(seen).find((c) => (c.args.view as { callback_id?: string }).callback_id === 'reset_okta_password_confirm');
      if (!confirm) await new Promise((r) => setTimeout(r, 50));
    }
    expect(JSON.stringify(confirm!.args.view)).toContain('New phone, or no Okta Verify any more? Use `/reset-okta-mfa`.');
    await post('submit', { user: 'UNINA', viewId: String(confirm!.args.view_id), values: {} });
    // Okta sends the push, as it would: to the factor she enrolled, on the phone she no longer has.
    let push;
    for (let i = 0; i < 200 && !push; i++) {
      push = okta.pushes().find((p) => p.email === 'nina@example.com' && p.result === 'WAITING');
      if (!push) await new Promise((r) => setTimeout(r, 50));
    }
    expect(push).toBeDefined();
    const state = (await (await fetch(`${sandbox.url}api/state?user=UNINA`)).json()) as { phone: unknown[] };
    expect(state.phone).toEqual([]);
    expect((await post('phone', { user: 'UNINA', push: push!.id, approve: true, pick: push!.correctAnswer })).status).toBe(409);
    expect(okta.pushes().find((p) => p.id === push!.id)!.result).toBe('WAITING');
    expect(okta.tempPasswordOf('00unina')).toBeUndefined();
    // The Directories tab says where her Okta Verify is.
    const panel = (await (await fetch(`${sandbox.url}api/state?user=UNINA`)).json()) as { panel: { columns: string[]; directory: { slack: string; accounts: string[] }[] } };
    expect(panel.panel.directory.find((d) => d.slack === 'UNINA')!.accounts[panel.panel.columns.indexOf('Okta')]).toBe('active, Okta Verify (on an old phone)');
    okta.expirePush(push!.id);
  });

  it("Finn, who has no Okta Verify, is told at /reset-okta-password that he needs it, as the README says; no push is sent", async () => {
    const okta = sandbox.standIns.get('okta_password') as OktaSimulator;
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const pushes = okta.pushes().length;
    await post('command', { user: 'UFINN', channel: 'C0GENERAL01', text: '/reset-okta-password' });
    const shown = await sandbox.slack.waitForCall('views.update', (c) => /no Okta Verify set up/.test(JSON.stringify(c.args.view?.blocks ?? [])), 15_000);
    expect(JSON.stringify(shown.args.view.blocks)).toContain('Set up Okta Verify on your phone');
    expect(okta.pushes()).toHaveLength(pushes);
  });

  it("Hugo, whose email Slack calls unconfirmed, is refused at /reset-pin and told to confirm it in Slack or ask IT, so an admin can see that refusal", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    await post('command', { user: 'UHUGO', channel: 'C0GENERAL01', text: '/reset-pin' });
    const shown = await sandbox.slack.waitForCall('views.update', (c) => /Slack has not confirmed the email address on your profile/.test(JSON.stringify(c.args.view?.blocks ?? [])), 15_000);
    expect(JSON.stringify(shown.args.view.blocks)).toContain("Confirm it in Slack (open the confirmation email Slack sent you), then run `/reset-pin` again. If you sign in to Slack with your company's single sign-on, ask your IT team instead.");
  });

  it.each([
    ['entra_password', '/reset-entra-password', 'Microsoft Entra ID'],
    ['google_password', '/reset-google-password', 'Google Workspace'],
  ])("%s needs an admin's approval in the sandbox, so its review, with what its directory says of the account, can be tried there", async (id, command, directory) => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const seen = sandbox.slack.callsTo('views.update').length;
    await post('command', { user: 'UANN', channel: 'C0GENERAL01', text: command });
    let confirm;
    for (let i = 0; i < 200 && !confirm; i++) {
      confirm = sandbox.slack.callsTo('views.update').slice(seen).find((c) => (c.args.view as { callback_id?: string }).callback_id === `reset_${id}_confirm`);
      if (!confirm) await new Promise((r) => setTimeout(r, 50));
    }
    expect(confirm).toBeDefined();
    await post('submit', { user: 'UANN', viewId: String(confirm!.args.view_id), values: {} });
    // Before: self-service, and Ann was shown a temporary password with no admin asked.
    const approvals = sandbox.fixture.workspace.approvalsChannel.id;
    const noun = CREDENTIALS.find((c) => c.id === id)!.words.request;
    const asked = await sandbox.slack.waitForCall('chat.postMessage', (c) => c.args.channel === approvals && String(c.args.text).startsWith(`${capitalized(noun)} request from <@UANN>`), 15_000);
    const review = (asked.args.blocks as { block_id?: string; elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => (b.elements ?? []).map((e) => ({ blockId: b.block_id!, ...e })))
      .find((e) => e.action_id === 'license_review')!;
    const admin = sandbox.fixture.admins.users[0]!;
    await sandbox.workspace.click(admin, { channel: approvals, ts: String(asked.result?.ts ?? ''), blockId: review.blockId, actionId: review.action_id, value: review.value });
    const shown = await sandbox.slack.waitForCall('views.update', (c) => JSON.stringify(c.args.view?.blocks ?? []).includes(`What ${directory} says of this account`), 15_000);
    expect(JSON.stringify(shown.args.view.blocks)).toContain('Approve: they finish it themselves');
  });

  it("an admin's Setup check passes in the demo, the approvals channel included: the bot is in #it-approvals", async () => {
    const admin = sandbox.fixture.admins.users[0]!;
    await sandbox.workspace.openHome(admin);
    const published = await sandbox.slack.waitForCall('views.publish', (c) => c.args.user_id === admin && JSON.stringify(c.args.view).includes('home_setup_check'), 15_000);
    const button = (published.args.view.blocks as { block_id: string; elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => (b.elements ?? []).map((e) => ({ blockId: b.block_id, ...e })))
      .find((e) => e.action_id === 'home_setup_check')!;
    await sandbox.workspace.click(admin, { home: true, blockId: button.blockId, actionId: button.action_id, value: button.value });
    const shown = await sandbox.slack.waitForCall('views.update', (c) => /checks (passed|failed)/.test(JSON.stringify(c.args.view?.blocks ?? [])), 15_000);
    const text = JSON.stringify(shown.args.view.blocks);
    expect(text).toContain(`✓ *Approvals channel*: the bot is in ${sandbox.fixture.workspace.approvalsChannel.id} (#it-approvals)`);
    expect(text).not.toContain('✗');
  });

  it('the app listens on the loopback address only, as the page does: its signing secret is in the repository', () => {
    expect(sandbox.appAddress).toBe('127.0.0.1');
  });

  it("closing the window while its change runs closes it in Slack too: the app's later views.update of it is refused not_found, and the new PIN comes in a message only its owner sees, gone when the page reloads as it is from Slack's", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const before = new Set(sandbox.slack.callsTo('views.update'));
    await post('command', { user: 'UBOB', channel: 'C0GENERAL01', text: '/reset-pin' });
    const confirm = await sandbox.slack.waitForCall('views.update', (c) => !before.has(c) && c.args.view?.callback_id === 'reset_pin_confirm');
    const viewId = String(confirm.args.view_id);
    // Chime is slow today: the PIN is reset, its answer withheld, so Latchkey answers the submit with its working view.
    const chime = sandbox.standIns.get('pin')!;
    const answer = chime.hold(['ResetPersonalPIN']);
    expect((await post('submit', { user: 'UBOB', viewId, values: {} })).status).toBe(200);
    // Bob closes the window from the page while Latchkey still works on it.
    expect((await post('close', { user: 'UBOB', viewId })).status).toBe(200);
    answer();
    const refused = await sandbox.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.result?.ok === false);
    expect(refused.result?.error).toBe('not_found');
    const shown = await sandbox.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === 'UBOB');
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    // The message says it disappears when Slack reloads: a reload of the page (which then asks for
    // its state anew) drops it, as Slack's client does; one that comes after shows, as in Slack.
    const messages = async () => {
      const state = (await (await fetch(`${sandbox.url}api/state?user=UBOB`)).json()) as { conversations: Record<string, { ts: string; text: string }[]> };
      return Object.values(state.conversations).flat();
    };
    expect((await messages()).map((m) => m.ts)).toContain(shown.result!.message_ts);
    expect((await post('reload', { user: 'UBOB' })).status).toBe(200);
    expect((await messages()).map((m) => m.ts)).not.toContain(shown.result!.message_ts);
    await post('command', { user: 'UBOB', channel: 'C0GENERAL01', text: '/reset-pim' });
    expect((await messages()).map((m) => m.text)).toContainEqual(expect.stringContaining('`/reset-pim` is not a valid command.'));
  });

  it("a reload of the page closes every open window, as Slack's client going away does: the app is sent no view_closed, its later views.update is refused not_found, and the new PIN comes in a message only its owner sees", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const confirmOf = async (user: string) => {
      const before = new Set(sandbox.slack.callsTo('views.update'));
      await post('command', { user, channel: 'C0GENERAL01', text: '/reset-pin' });
      return String((await sandbox.slack.waitForCall('views.update', (c) => !before.has(c) && c.args.view?.callback_id === 'reset_pin_confirm')).args.view_id);
    };
    // Ann's confirmation asks to be told of its close (notify_on_close); Bob's reset is still running when the page reloads.
    const ann = await confirmOf('UANN');
    const bob = await confirmOf('UBOB');
    const answer = sandbox.standIns.get('pin')!.hold(['ResetPersonalPIN']);
    expect((await post('submit', { user: 'UBOB', viewId: bob, values: {} })).status).toBe(200);
    expect(sandbox.workspace.viewFor('UANN').modals.map((l) => l.view.id)).toEqual([ann]);
    const closes = () => sandbox.workspace.appRequests.filter((r) => r.kind === 'view_closed').length;
    const closedBefore = closes();
    expect((await post('reload', { user: 'UANN' })).status).toBe(200);
    // The route answers once the reload is done: whatever it would send the app is recorded by then.
    expect(sandbox.workspace.viewFor('UANN').modals).toEqual([]);
    expect(sandbox.workspace.viewFor('UBOB').modals).toEqual([]);
    expect(closes()).toBe(closedBefore);
    const told = new Set(sandbox.slack.callsTo('chat.postEphemeral'));
    answer();
    const refused = await sandbox.slack.waitForCall('views.update', (c) => c.args.view_id === bob && c.result?.ok === false);
    expect(refused.result?.error).toBe('not_found');
    const shown = await sandbox.slack.waitForCall('chat.postEphemeral', (c) => !told.has(c) && c.args.user === 'UBOB');
    expect(JSON.stringify(shown.args.blocks)).toContain('Your Latchkey window was closed before your new Amazon Chime meeting PIN could be shown there');
    expect(sandbox.workspace.viewFor('UBOB').modals).toEqual([]);
  });

  it("a double submit shows the answer that arrives last, as Slack does: the duplicate's working view, then the new PIN", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const before = new Set(sandbox.slack.callsTo('views.update'));
    await post('command', { user: 'UBOB', channel: 'C0GENERAL01', text: '/reset-pin' });
    const confirm = await sandbox.slack.waitForCall('views.update', (c) => !before.has(c) && c.args.view?.callback_id === 'reset_pin_confirm');
    const viewId = String(confirm.args.view_id);
    // Chime answers the first submit's reset only once the second submit has been answered.
    const chime = sandbox.standIns.get('pin')!;
    const resetsBefore = chime.callsTo('ResetPersonalPIN').length;
    const answer = chime.hold(['ResetPersonalPIN']);
    const first = post('submit', { user: 'UBOB', viewId, values: {} });
    await until("the first submit's ResetPersonalPIN reaching Chime", () => chime.callsTo('ResetPersonalPIN').length > resetsBefore, 2_000);
    expect((await post('submit', { user: 'UBOB', viewId, values: {} })).status).toBe(200);
    const shown = () => JSON.stringify(sandbox.workspace.viewFor('UBOB').modals.at(-1)?.view ?? null);
    expect(shown()).toContain('Resetting your Amazon Chime personal meeting PIN');
    answer();
    expect((await first).status).toBe(200);
    expect(chime.callsTo('ResetPersonalPIN')).toHaveLength(resetsBefore + 1);
    expect(shown()).toContain('Your new Amazon Chime personal meeting PIN:');
    await post('close', { user: 'UBOB', viewId });
  });

  it("a pick in an input block with dispatch_action reaches the app at once, as Slack sends it: Deny makes the review's comment the required reason, Approve optional again; a pick's update that comes after the submit's answer is refused (hash_conflict), as Slack refuses it", async () => {
    const post = (path: string, body: object) =>
      fetch(`${sandbox.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    const shownTo = (user: string) => sandbox.workspace.viewFor(user).modals.at(-1)?.view;
    const until = async <T>(read: () => T | undefined): Promise<T> => {
      for (let i = 0; i < 200; i++) {
        // What the page's poll does: read what the app did to Slack meanwhile.
        sandbox.workspace.sync();
        const found = read();
        if (found !== undefined) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('never came');
    };
    const inputOf = (view: Record<string, any>, blockId: string) => (view.blocks as Record<string, any>[]).find((b) => b.type === 'input' && b.block_id === blockId);

    // Ann asks for Pro; Ada opens its review from #it-approvals.
    await post('command', { user: 'UANN', channel: 'C0GENERAL01', text: '/request-license' });
    const form = await until(() => {
      const view = shownTo('UANN');
      return view && (view.blocks as Record<string, any>[]).some((b) => b.element?.type === 'radio_buttons') ? view : undefined;
    });
    const license = (form.blocks as Record<string, any>[]).find((b) => b.element?.type === 'radio_buttons')!;
    const reason = (form.blocks as Record<string, any>[]).find((b) => b.element?.type === 'plain_text_input')!;
    await post('submit', { user: 'UANN', viewId: form.id, values: { [license.block_id]: { [license.element.action_id]: 'Pro' }, [reason.block_id]: { [reason.element.action_id]: 'Webinars every week' } } });
    const message = await until(() => [...(sandbox.workspace.viewFor('UADA').conversations.C0APPROVALS ?? [])].reverse().find((m) => JSON.stringify(m.blocks ?? []).includes('"block_id":"review"') && m.text.includes('Pro')));
    const button = (message.blocks as Record<string, any>[]).find((b) => b.block_id === 'review')!.elements[0];
    await post('click', { user: 'UADA', target: { channel: 'C0APPROVALS', ts: message.ts, blockId: 'review', actionId: button.action_id, value: button.value } });
    const review = await until(() => {
      const view = shownTo('UADA');
      return view && inputOf(view, 'comment') ? view : undefined;
    });
    expect(inputOf(review, 'decision')!.dispatch_action).toBe(true);
    expect(inputOf(review, 'comment')).toMatchObject({ optional: true, label: { text: 'Comment for the requester' } });

    const pick = (decision: string) =>
      post('change', { user: 'UADA', target: { viewId: review.id, blockId: 'decision', actionId: 'decision' }, values: { decision: { decision }, comment: { comment: 'Webinars matter' } } });
    expect(await (await pick('deny')).json()).toMatchObject({ status: 200 });
    const denying = await until(() => (inputOf(shownTo('UADA')!, 'comment')?.optional === false ? shownTo('UADA') : undefined));
    expect(inputOf(denying, 'comment')!.label.text).toBe('Reason for the denial');
    const sent = [...sandbox.workspace.appRequests].reverse().find((r) => r.kind === 'block_actions')!.payload as Record<string, any>;
    expect(sent.actions).toEqual([expect.objectContaining({ type: 'radio_buttons', action_id: 'decision', block_id: 'decision', selected_option: expect.objectContaining({ value: 'deny' }) })]);
    expect(sent.view.state.values.comment.comment).toEqual({ type: 'plain_text_input', value: 'Webinars matter' });

    await pick('approve');
    await until(() => (inputOf(shownTo('UADA')!, 'comment')?.optional === true ? true : undefined));

    // Deny again, its update held while Ada submits Approve: Slack has the submit's answer first, with a new hash.
    const release = sandbox.slack.hold('views.update', (args) => args.view_id === review.id && args.view?.callback_id === 'license_review_submit');
    await pick('deny');
    await until(() => (sandbox.slack.held.some((c) => c.args.view_id === review.id) ? true : undefined));
    await post('submit', { user: 'UADA', viewId: review.id, values: { decision: { decision: 'approve' }, comment: { comment: 'Webinars matter' } } });
    const answered = JSON.stringify(shownTo('UADA'));
    expect(answered).not.toContain('"block_id":"decision"');
    release();
    const refused = await sandbox.slack.waitForCall('views.update', (c) => c.args.view_id === review.id && c.result?.ok === false);
    expect(refused.result?.error).toBe('hash_conflict');
    expect(JSON.stringify(shownTo('UADA'))).not.toContain('"block_id":"decision"');
    await post('close', { user: 'UADA', viewId: review.id });
  });

  it('runs a command its own page sends', async () => {
    const before = opens();
    const res = await command({ 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') });
    expect(res.status).toBe(200);
    await sandbox.slack.waitForCall('views.open', () => opens() > before);
  });

  it("a mistyped command never reaches the app, as in Slack: Slackbot says it is not a valid command, the one meant and the app's commands", async () => {
    const origin = sandbox.url.replace(/\/$/, '');
    const sent = sandbox.workspace.appRequests.length;
    const post = (text: string) => command({ 'content-type': 'application/json', origin }, JSON.stringify({ user: 'UANN', channel: 'C0GENERAL01', text }));
    expect(await (await post('/reset-pim')).json()).toEqual({ status: 0, notACommand: true });
    expect(await (await post('/frobnicate now')).json()).toEqual({ status: 0, notACommand: true });
    // Half-remembered: the start of one command, or of two.
    expect(await (await post('/unlock')).json()).toEqual({ status: 0, notACommand: true });
    expect(await (await post('/reset-okta')).json()).toEqual({ status: 0, notACommand: true });
    expect(sandbox.workspace.appRequests.length).toBe(sent);
    const state = (await (await fetch(`${sandbox.url}api/state?user=UANN`)).json()) as { conversations: Record<string, { from: string; text: string }[]> };
    const notices = state.conversations['C0GENERAL01']!.filter((m) => m.from === 'slackbot').map((m) => m.text);
    const all = '`/reset-pin`, `/reset-password`, `/reset-okta-password`, `/unlock-okta`, `/reset-okta-mfa`, `/reset-entra-password`, `/reset-google-password`, `/request-license` and `/reset`';
    expect(notices.slice(-4)).toEqual([
      `\`/reset-pim\` is not a valid command. Did you mean \`/reset-pin\`? Latchkey's commands: ${all}.`,
      `\`/frobnicate\` is not a valid command. Latchkey's commands: ${all}.`,
      `\`/unlock\` is not a valid command. Did you mean \`/unlock-okta\`? Latchkey's commands: ${all}.`,
      `\`/reset-okta\` is not a valid command. Did you mean \`/reset-okta-password\` or \`/reset-okta-mfa\`? Latchkey's commands: ${all}.`,
    ]);
    expect(notices.join('\n')).not.toContain('dispatch_failed');
    // Seen only by the person who typed it.
    const others = (await (await fetch(`${sandbox.url}api/state?user=UMAX`)).json()) as { conversations: Record<string, { text: string }[]> };
    expect(JSON.stringify(others.conversations['C0GENERAL01'] ?? [])).not.toContain('/reset-pim');
  });

  it('refuses a cross-site text/plain POST: no command runs', async () => {
    const before = sentToApp();
    const res = await command({ 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const plain = await command({ 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(sentToApp()).toEqual(before);
  });

  it('refuses JSON from another origin, and any request naming another host (DNS rebinding)', async () => {
    const before = sentToApp();
    expect((await command({ 'content-type': 'application/json', origin: 'https://evil.example' })).status).toBe(403);
    const rebound = `rebound.example:${new URL(sandbox.url).port}`;
    expect(await withHost(rebound, 'POST', '/api/command', JSON.stringify({ user: 'UANN', channel: 'C0GENERAL01', text: '/reset-pin' }))).toBe(403);
    expect(await withHost(rebound, 'GET', '/api/state?user=UANN')).toBe(403);
    expect(sentToApp()).toEqual(before);
  });

  it('a body that is not JSON, or not a JSON object (null, a list), is a 400 saying so in plain words, and one too large a 413, never a 500 with a JavaScript error; nothing runs', async () => {
    const before = sentToApp();
    const headers = { 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') };
    for (const [body, error] of [
      ['{"user": "UANN",', 'The request body is not valid JSON.'],
      ['null', 'The request body must be a JSON object.'],
      ['[1, 2]', 'The request body must be a JSON object.'],
    ] as const) {
      const res = await command(headers, body);
      expect(res.status).toBe(400);
      // Before: 500 { error: "Cannot read properties of null (reading 'user')" }, or JSON.parse's message.
      expect(await res.json()).toEqual({ error });
    }
    const huge = await command(headers, JSON.stringify({ user: 'UANN', channel: 'C0GENERAL01', text: '/reset-pin', pad: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'The request body is too large: at most 256 KB.' });
    const hook = await fetch(`${sandbox.url}hooks/nothing`, { method: 'POST', headers, body: 'null' });
    expect(hook.status).toBe(400);
    expect(await hook.json()).toEqual({ error: 'The request body must be a JSON object.' });
    expect(sentToApp()).toEqual(before);
  });

  it('a second sandbox on the same data folder stops at once with one line naming the first, starts nothing and deletes nothing (even with --fresh)', async () => {
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const main = resolve(__dirname, '../../sandbox/main.ts');
    // A process of its own, transpiled by tsx before its first line runs: the test waits for it to
    // end, its own refusal, and gives it the time the other tests that start one give theirs
    // (sandbox-process: 40 s to say ready, 60 s a test), not jest's 20 s, which a load of 7 outran.
    const second = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(tsx, [main, '--port', '0', '--data-dir', dataDir, '--fresh'], { timeout: 40_000 }, (_err, stdout, stderr) =>
        done({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `The sandbox could not start: another sandbox is running on ${dataDir} (${sandbox.url}, PID ${process.pid}): ` +
        'stop it (Ctrl+C in its terminal), or run another beside it with its own folder and port: npm run sandbox -- --data-dir <dir> --port <n> (--port 0 picks a free one)\n',
    );
    await expect(startSandbox({ port: 0, dataDir })).rejects.toThrow(`another sandbox is running on ${dataDir}`);
    // The first runs on, on its own data.
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
    const before = opens();
    expect((await command({ 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') })).status).toBe(200);
    await sandbox.slack.waitForCall('views.open', () => opens() > before);
  }, 60_000);

  it('a start that fails (its port in use) leaves nothing that was not there: a --data-dir it created is gone, an existing one holds what it held', async () => {
    const port = Number(new URL(sandbox.url).port);
    const scratch = mkdtempSync(join(tmpdir(), 'latchkey-sandbox-failed-'));
    try {
      // A folder that did not exist, two levels of it.
      const named = join(scratch, 'demo', 'data');
      await expect(startSandbox({ port, dataDir: named })).rejects.toThrow(`port ${port} is in use`);
      expect(readdirSync(scratch)).toEqual([]);
      // A folder that existed, with something of the user's in it.
      const existing = join(scratch, 'existing');
      mkdirSync(existing);
      writeFileSync(join(existing, 'notes.txt'), 'mine');
      await expect(startSandbox({ port, dataDir: existing })).rejects.toThrow(`port ${port} is in use`);
      expect(readdirSync(existing)).toEqual(['notes.txt']);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    // The running sandbox is untouched.
    const before = opens();
    expect((await command({ 'content-type': 'application/json', origin: sandbox.url.replace(/\/$/, '') })).status).toBe(200);
    await sandbox.slack.waitForCall('views.open', () => opens() > before);
  }, 60_000);
});

describe('a restarted sandbox', () => {
  it("hands out view IDs its last run never did: a Reset click from a window left open before the restart is stale, never taken for the new window", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-sandbox-restart-'));
    const post = (s: Sandbox, path: string, body: object) =>
      fetch(`${s.url}api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: s.url.replace(/\/$/, '') }, body: JSON.stringify(body) });
    /** Ann's /reset-pin confirmation in this run: the ID of the window showing it. */
    const confirmation = async (s: Sandbox) => {
      await post(s, 'command', { user: 'UANN', channel: 'C0GENERAL01', text: '/reset-pin' });
      const shown = await s.slack.waitForCall('views.update', (c) => c.args.view?.callback_id === 'reset_pin_confirm', 15_000);
      return String(shown.args.view_id);
    };
    let sandbox = await startSandbox({ port: 0, dataDir });
    try {
      const before = await confirmation(sandbox);
      await sandbox.stop();
      sandbox = await startSandbox({ port: 0, dataDir });
      const after = await confirmation(sandbox);
      expect(after).not.toBe(before);
      // The old window's Reset click reaches nothing: Ann's new window still asks, and no PIN was reset.
      expect(await (await post(sandbox, 'submit', { user: 'UANN', viewId: before, values: {} })).json()).toEqual({ status: 0, stale: true });
      expect(sandbox.standIns.get('pin')!.callsTo('ResetPersonalPIN')).toEqual([]);
    } finally {
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("keeps what Latchkey changed in Okta: Nina's factor reset, Bob's unlock and Ann's expired password stay so, and no temporary password is written to disk", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-sandbox-restart-okta-'));
    /** What the Directories tab says of this person's Okta account. */
    const oktaLine = (s: Sandbox, user: string) => accountLine(s.url, user, 'Okta');
    /** Okta's lifecycle calls, on the wire as Latchkey makes them after a request is approved. */
    const lifecycle = async (s: Sandbox, userId: string, operation: string) => {
      const okta = s.standIns.get('okta_password') as OktaSimulator;
      const res = await fetch(`${okta.env.OKTA_ORG_URL}/api/v1/users/${userId}/lifecycle/${operation}`, { method: 'POST', headers: { authorization: `SSWS ${okta.token}`, accept: 'application/json' } });
      expect(res.status).toBe(200);
      return (await res.json()) as { tempPassword?: string };
    };
    let sandbox = await startSandbox({ port: 0, dataDir });
    try {
      expect(await oktaLine(sandbox, 'UNINA')).toBe('active, Okta Verify (on an old phone)');
      await lifecycle(sandbox, '00unina', 'reset_factors');
      await lifecycle(sandbox, '00ubob', 'unlock');
      const { tempPassword } = await lifecycle(sandbox, '00uann', 'expire_password_with_temp_password');
      await sandbox.stop();
      // Every file the sandbox keeps, whatever its name or format, searched as bytes.
      expect(tempPassword).toEqual(expect.any(String));
      expect(tempPassword!.length).toBeGreaterThan(0);
      const secret = Buffer.from(tempPassword!, 'utf8');
      const files = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).map((f) => join(dataDir, f)).filter((f) => lstatSync(f).isFile());
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((f) => readFileSync(f).includes(secret))).toEqual([]);
      sandbox = await startSandbox({ port: 0, dataDir });
      expect(await oktaLine(sandbox, 'UNINA')).toBe('active, no factors');
      expect(await oktaLine(sandbox, 'UBOB')).toBe('active, Okta Verify');
      expect(await oktaLine(sandbox, 'UANN')).toBe('password expired, Okta Verify + authenticator app');
      expect(await oktaLine(sandbox, 'UDANA')).toBe('locked out, from Active Directory, Okta Verify');
    } finally {
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
