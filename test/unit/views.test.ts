import type { ModalView } from '@slack/types';
import { CREDENTIALS } from '../../src/credentials';
import { chime } from '../../src/credentials/chime';
import type { Credential } from '../../src/credentials/credential';
import { workmail } from '../../src/credentials/workmail';
import { CLOSE_UNREAD, FAILURE_CODES, LatchkeyFailure, SENT_UNANSWERED, type FailureCode } from '../../src/flows/failure';
import type { Directory, WorkspaceMembers } from '../../src/flows/ports';
import { resetKind } from '../../src/flows/reset-approval';
import { decisionResultView, reviewClosedView, reviewView } from '../../src/views/approval-review';
import { licenseKindWords } from '../../src/views/license-kind';
import { capitalized } from '../../src/views/words';
import type { ResetDone } from '../../src/flows/reset-credential';
import { Secret } from '../../src/flows/secret';
import { resetWordsOf } from '../../src/handlers/reset-words';
import { context, LIMITS, slackTime } from '../../src/views/blocks';
import { failureMessage, recordedFailureHeadline } from '../../src/views/failure-message';
import { challengeView, checkingView, confirmView, failureView, pendingView, pushingView, resultView, workingView } from '../../src/views/reset-modal';
import { pushRejectedNotice, resetNotice } from '../../src/views/reset-notice';
import { OUTCOME_UNKNOWN, PENDING_STATUSES, type PendingRequest } from '../../src/flows/approvals/pending-request';
import { finishedMessage, finishLoadingView, resetKindWords } from '../../src/views/reset-approval-kind';
import { revokeOutcome } from '../../src/views/approval-revoke';
import { outcomeUnknownCheck } from '../../src/views/approval-status';
import { withdrawOutcome, withdrawResultView } from '../../src/views/approval-withdraw';
import { approvalMessage } from '../../src/views/approval-message';
import { VERIFIERS } from '../../src/verifiers';

const done = (credential: Credential): ResetDone => ({
  ok: true,
  kind: credential.id,
  email: 'ann@example.com',
  requestId: '2026-11-23T08:00:00.000Z_abcdef',
  at: new Date('2026-11-23T08:00:00Z'),
});

/** A reset an admin is asked to decide, in `status` (decided by Ada once it is not pending): what the approval views are drawn from. */
function resetRequest(credential: string, status: PendingRequest['status'], more: Partial<PendingRequest> = {}): PendingRequest {
  return {
    id: 'a1',
    kind: 'reset',
    requester: { userId: 'UANN', teamId: 'T0TEAM' },
    requesterEmail: 'ann@example.com',
    directoryUserId: 'dir-ann',
    detail: { credential, resetRequestId: 'r1' },
    reason: '',
    status,
    createdAt: '2026-12-04T08:00:00.000Z',
    expiresAt: '2026-12-04T09:00:00.000Z',
    ...(status !== 'PENDING' && { decidedBy: 'UADA' }),
    ...(status === 'APPLY_FAILED' && { errorCode: 'DIRECTORY_UNAVAILABLE' }),
    ...more,
  };
}

function allModals(credential: Credential): ModalView[] {
  const words = resetWordsOf(credential);
  return [
    checkingView(words),
    confirmView({ credentialId: credential.id, words, email: 'ann@example.com', ticket: 'x'.repeat(600), ignoredText: true }),
    workingView(words),
    pushingView(words, 'Okta Verify', { credentialId: credential.id, ticket: 't' }),
    challengeView(words, { app: 'Okta Verify', challenge: '42', waitMs: 60_000 }, { credentialId: credential.id, ticket: 't' }),
    resultView({ secret: new Secret('Abc-123-xyz') }, words),
    resultView({}, words),
    ...FAILURE_CODES.map((code) => failureView({ code, email: 'ann@example.com', requestId: 'r1' }, words)),
    ...Object.keys(words.refusals ?? {}).map((reason) => failureView({ code: 'DIRECTORY_USER_REFUSED', reason, email: 'ann@example.com', requestId: 'r1' }, words)),
    ...Object.keys(words.unconfirmedSteps ?? {}).map((reason) => failureView({ code: 'DIRECTORY_OUTCOME_UNKNOWN', reason, email: 'ann@example.com', requestId: 'r1' }, words)),
  ];
}

/** Every text a person can read in a view, flattened. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === 'text' && typeof v === 'string' ? [v] : texts(v)));
  }
  return [];
}

describe.each(CREDENTIALS.map((c) => [c.command, c] as const))('reset views (%s)', (_command, credential) => {
  const words = resetWordsOf(credential);
  it("respect Slack's modal limits", () => {
    for (const view of allModals(credential)) {
      expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
      expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
      if (view.submit) expect(view.submit.text.length).toBeLessThanOrEqual(LIMITS.modalButton);
      expect(view.close?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.modalButton);
      for (const t of texts(view.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });

  it('the confirmation says what will happen and offers the reset and a way out', () => {
    const view = confirmView({ credentialId: credential.id, words, email: 'ann@example.com', ticket: 't' });
    // A reset replaces; a change that is not one (an unlock) says what it does instead.
    expect(texts(view.blocks).join(' ')).toMatch(words.change ? /will be unlocked/ : /will be (replaced|removed)/);
    expect(view.submit?.text).toMatch(words.change ? /^Unlock/ : /^Reset /);
    expect(view.close?.text).toBe('Cancel');
    expect(view.private_metadata).toBe('t');
  });

  it("the modal waiting for a push says its close button cancels it ('Cancel request', within Slack's 24 characters), and never tells the person who asked to reject it", () => {
    const waiting = { credentialId: credential.id, ticket: 't' };
    for (const view of [pushingView(words, 'Duo Mobile', waiting), challengeView(words, { app: 'Duo Mobile', waitMs: 60_000 }, waiting)]) {
      expect(view.close?.text).toBe('Cancel request');
      expect(view.notify_on_close).toBe(true);
      expect(JSON.stringify(view.blocks)).not.toContain("didn't ask");
    }
  });

  it('the secret appears in the secret view only, once, with the note that it is not stored', () => {
    const secret = new Secret('Zq7#Kd9!mP4$wX2@');
    const view = resultView({ secret }, words);
    const all = JSON.stringify(view);
    expect(all.split(secret.reveal())).toHaveLength(2);
    expect(all).toMatch(/does not store it/);
    expect(view.submit).toBeUndefined();
    for (const other of [checkingView(words), workingView(words), resetNotice(done(credential), words)]) {
      expect(JSON.stringify(other)).not.toContain(secret.reveal());
    }
  });

  it('every failure says what happened and what to do next, without codes', () => {
    for (const code of FAILURE_CODES) {
      const m = failureMessage({ code, email: 'ann@example.com' }, words);
      expect(m.headline.length).toBeGreaterThan(10);
      expect(m.next.length).toBeGreaterThan(3);
      expect(`${m.headline} ${m.next}`).not.toMatch(/[A-Z]{3,}_[A-Z]+|Exception|stack/);
    }
  });

  it("each of the directory's own refusals has its words, and its label fits an admin's list", () => {
    for (const [reason, own] of Object.entries(words.refusals ?? {})) {
      expect(reason).toMatch(/^[a-z][a-z0-9_]{1,39}$/);
      expect(failureMessage({ code: 'DIRECTORY_USER_REFUSED', reason }, words)).toEqual({ headline: own.headline, next: own.next });
      expect(own.label.length).toBeLessThanOrEqual(40);
    }
  });

  it("each verifier's own reason is a word, and its label fits an admin's list", () => {
    for (const verifier of VERIFIERS) {
      for (const [reason, own] of Object.entries(verifier.words.reasons ?? {})) {
        expect(reason).toMatch(/^[a-z][a-z0-9_]{1,39}$/);
        expect(own.label.length).toBeLessThanOrEqual(40);
      }
    }
  });
});

describe('a change with no secret, and one whose follow-up failed', () => {
  const words = resetWordsOf(chime);

  it('with no secret, the view says what was done in the credential\'s words and shows no code block', () => {
    const view = resultView({}, words);
    const all = texts(view.blocks).join(' ');
    expect(all).toContain(words.secretLead);
    expect(all).toContain(words.howToUse);
    expect(JSON.stringify(view)).not.toContain('```');
  });

  it('with a failed follow-up step (run once the secret was shown), the receipt says a step did not finish and an admin knows', () => {
    expect(resetNotice({ ...done(chime), incomplete: [{ step: 'revokeSessions', code: 'DIRECTORY_UNAVAILABLE' }] }, words).text).toMatch(/did not finish; an admin has been alerted/);
  });
});

describe("a directory's own refusal", () => {
  const words = { ...resetWordsOf(chime), refusals: { directory_guest: { headline: 'Your account is a guest here.', next: 'Ask your host.', label: 'directory guest' } } };

  it('is said in the words its credential declared', () => {
    expect(failureMessage({ code: 'DIRECTORY_USER_REFUSED', reason: 'directory_guest' }, words)).toEqual({ headline: 'Your account is a guest here.', next: 'Ask your host.' });
  });

  it('an undeclared reason still gets words that say what to do', () => {
    const m = failureMessage({ code: 'DIRECTORY_USER_REFUSED', reason: 'unheard_of' }, words);
    expect(m.headline).toMatch(/cannot be reset by self-service/);
  });

  it("is never a verifier's reason: a credential declaring the same key (bypass) as a step leaves a push's failure said as the push's", () => {
    const same = { ...words, unconfirmedSteps: { bypass: { headline: 'The unlock may have been made.', next: 'Run it again.' } } };
    const m = failureMessage({ code: 'VERIFY_NO_FACTOR', reason: 'bypass', verifierApp: 'Duo Mobile' }, same);
    expect(m.headline).toMatch(/needs a push to your phone, and you have no Duo Mobile set up/);
    // The credential's own step still has its words.
    expect(failureMessage({ code: 'DIRECTORY_OUTCOME_UNKNOWN', reason: 'bypass' }, same).headline).toBe('The unlock may have been made.');
  });
});

describe('failure wording', () => {
  it('names the email that was not found in Chime, and what to do about it', () => {
    const m = failureMessage({ code: 'DIRECTORY_USER_NOT_FOUND', email: 'x@y.com' }, resetWordsOf(chime));
    expect(m.headline).toBe('Latchkey cannot find your Amazon Chime account: no Amazon Chime account has your Slack email *x@y.com* as its main email address.');
    expect(m.next).toBe('If yours has a different main email address, ask IT to make it the same as your Slack email; if you have no Amazon Chime account, ask IT to add you.');
    // Without the email (a record that has none), still a sentence.
    expect(failureMessage({ code: 'DIRECTORY_USER_NOT_FOUND' }, resetWordsOf(chime)).headline).toBe('Latchkey cannot find your Amazon Chime account: no Amazon Chime account has your Slack email as its main email address.');
  });

  it('escapes an email so it cannot inject Slack markup', () => {
    const m = failureMessage({ code: 'DIRECTORY_USER_NOT_FOUND', email: '<!channel>@y.com' }, resetWordsOf(chime));
    expect(m.headline).not.toContain('<!channel>');
  });

  it('tells the user an admin has been alerted when Latchkey is misconfigured', () => {
    expect(failureMessage({ code: 'DIRECTORY_MISCONFIGURED' }, resetWordsOf(chime))).toEqual({
      headline: 'Latchkey is misconfigured.',
      next: 'An admin has been alerted. Nothing was changed.',
    });
  });

  it('tells a disabled mailbox owner what to ask IT for, and why, as a suspended one is told', () => {
    const m = failureMessage({ code: 'DIRECTORY_USER_DISABLED' }, resetWordsOf(workmail));
    expect(`${m.headline} ${m.next}`).toBe('Your mailbox is disabled. Ask IT to reactivate it; a new password would not work until then.');
    expect(failureMessage({ code: 'DIRECTORY_USER_SUSPENDED' }, resetWordsOf(workmail)).next).toBe(m.next);
  });
});

describe('the verifier unavailable', () => {
  it('before the push went out says it could not be sent; after, that it was sent and not to approve it', () => {
    const words = resetWordsOf(workmail);
    const unsent = failureMessage({ code: 'VERIFY_UNAVAILABLE', verifierApp: 'Duo Mobile' }, words);
    expect(unsent.headline).toBe('Latchkey could not send the Duo Mobile request to your phone just now. Nothing was changed.');
    const sent = failureMessage({ code: 'VERIFY_UNAVAILABLE', verifierApp: 'Duo Mobile', reason: SENT_UNANSWERED }, words);
    expect(sent.headline).toBe('Latchkey sent the Duo Mobile request to your phone, but could not hear back from Duo Mobile. Nothing was changed.');
    expect(sent.next).toContain('If the Duo Mobile request shows on your phone, do not approve it');
  });

  it("a push's wait ended on Latchkey's own store (CLOSE_UNREAD) says Latchkey could not check, that nothing was changed and what to do; any other store failure keeps its words", () => {
    const words = resetWordsOf(workmail);
    const unread = failureMessage({ code: 'STORE_UNAVAILABLE', verifierApp: 'Duo Mobile', reason: CLOSE_UNREAD }, words);
    expect(unread).toEqual({
      headline: 'Latchkey could not check its own records while it waited for the Duo Mobile request, so nothing was changed.',
      next: 'An admin has been alerted. If you approved it, approving changed nothing. Run `/reset-password` again in a few minutes.',
    });
    expect(failureMessage({ code: 'STORE_UNAVAILABLE', verifierApp: 'Duo Mobile' }, words).headline).toBe('Latchkey could not save the request, so it changed nothing.');
  });
});

describe('the way out for a lost factor (a new phone, the app gone)', () => {
  it('is said in one wording wherever it is given: the confirmation, a failure, and the challenge window, where its button comes first', () => {
    const words = resetWordsOf(workmail);
    const app = 'Okta Verify';
    const lostFactorCommand = '/reset-okta-mfa';
    const line = 'New phone, or no Okta Verify any more? Use `/reset-okta-mfa`.';
    const confirm = confirmView({ credentialId: workmail.id, words, email: 'ann@example.com', ticket: 't', policy: 'verify', verifierApp: app, lostFactorCommand });
    expect(JSON.stringify(confirm.blocks)).toContain(line);
    expect(failureMessage({ code: 'VERIFY_TIMEOUT', email: 'ann@example.com', verifierApp: app, lostFactorCommand }, words).next).toContain(line);
    const waiting = challengeView(words, { app, challenge: '42', waitMs: 60_000, lostFactorCommand }, { credentialId: workmail.id, ticket: 't' });
    const done = challengeView(words, { app, challenge: '42', waitMs: 60_000, lostFactorCommand });
    expect(JSON.stringify(waiting.blocks)).toContain('New phone, or no Okta Verify any more? *Cancel request*, then use `/reset-okta-mfa`.');
    expect(JSON.stringify(done.blocks)).toContain('New phone, or no Okta Verify any more? *Close*, then use `/reset-okta-mfa`.');
    expect(JSON.stringify([waiting, done])).not.toContain('No request on your phone');
  });
});

describe('reset notice (DM)', () => {
  it("records the time in the reader's time zone and says whom to contact", () => {
    const { text } = resetNotice(done(chime), resetWordsOf(chime));
    expect(text).toMatch(/^Your Amazon Chime meeting PIN was reset at <!date\^\d+\^/);
    expect(text).toMatch(/If this wasn't you, contact IT\.$/);
  });

  it('says running the command again is for when it is needed, never as what to do now, for every credential in its own verb and command', () => {
    for (const credential of CREDENTIALS) {
      const words = resetWordsOf(credential);
      const verb = (words.change ?? { done: 'reset' }).done;
      const line = (approved: boolean) => JSON.stringify(resetNotice(done(credential), words, { approved }).blocks[1]);
      // A change with a secret: the window may have closed in the moment its answer was on its way, which
      // Slack drops unsaid, so the receipt is the only word that the secret may not have been seen.
      const run = `run \`${credential.command}\``;
      const [self, approved] = words.newSecret
        ? [`If you did not see your ${words.newSecret} (or need it ${verb} again), ${run} again.`, `If you did not see your ${words.newSecret} (or need it ${verb} again), ${run} to ask again; an admin must approve it again.`]
        : [`If you need it ${verb} again, ${run}.`, `If you need it ${verb} again, ${run} to ask; an admin must approve it again.`];
      expect(line(false)).toContain(`${self} Reference: \``);
      expect(line(true)).toContain(`${approved} Reference: \``);
      // Before: "Run `/reset-pin` to reset it again.", read after "If this wasn't you, contact IT." as an instruction.
      expect(line(false) + line(true)).not.toMatch(/"Run `/);
    }
  });

  it("after an approved reset's finish, says running the command again asks anew and an admin must approve it again, never that it gets a new one; self-service keeps its words", () => {
    const words = resetWordsOf(chime);
    const cases = [
      [{ secretShown: false }, 'could not show you the new one. Run `/reset-pin` to ask again; an admin must approve it again.'],
      [{ secretShown: true, secretShownAside: 'closed' as const }, 'If you missed it, run `/reset-pin` to ask again; an admin must approve it again.'],
      [{ secretShown: true, secretShownAside: 'unshown' as const }, 'If you missed it, run `/reset-pin` to ask again; an admin must approve it again.'],
    ] as const;
    for (const [shown, next] of cases) {
      const approved = resetNotice({ ...done(chime), ...shown }, words, { approved: true });
      expect(approved.text).toContain(next);
      // Said once, in its text: not again in the line under it.
      expect(JSON.stringify(approved.blocks)).not.toContain('If you did not see your new PIN');
      expect(JSON.stringify(approved)).not.toMatch(/to get a new one|reset it again\./);
      expect(resetNotice({ ...done(chime), ...shown }, words).text).toContain('again to get a new one.');
    }
  });

  it('when the new secret could not be shown, says once to run the command again: in its text, not again in the line under it, which keeps the reference', () => {
    for (const credential of CREDENTIALS) {
      const words = resetWordsOf(credential);
      for (const approved of [false, true]) {
        const notice = resetNotice({ ...done(credential), secretShown: false }, words, { approved });
        const said = notice.blocks.map((b) => JSON.stringify(b));
        expect(said.filter((b) => b.includes(`run \`${credential.command}\``) || b.includes(`Run \`${credential.command}\``))).toHaveLength(1);
        expect(said[1]).toContain('Reference: `2026-11-23T08:00:00.000Z_abcdef`');
        expect(said[1]).not.toContain(credential.command);
      }
    }
  });

  it("when the new secret was shown in a message here instead of its window, says once what to do if it was missed, in the words of the case where it could not be shown; the line under it keeps only the reference", () => {
    for (const credential of CREDENTIALS) {
      const words = resetWordsOf(credential);
      for (const approved of [false, true]) {
        // The advice as the not-shown case words it: "Run `/reset-pin` again to get a new one." (approved: "… to ask again; …").
        const advice = resetNotice({ ...done(credential), secretShown: false }, words, { approved }).text.match(/Run `[^`]+`[^.]*\./)![0];
        for (const aside of ['closed', 'unshown'] as const) {
          const notice = resetNotice({ ...done(credential), secretShown: true, secretShownAside: aside }, words, { approved });
          const said = notice.blocks.map((b) => JSON.stringify(b));
          // Before: "If you missed it, run `/reset-pin` again to get a new one." and, under it, "If you need it reset again, run `/reset-pin`."
          expect(said.join('').split(`\`${credential.command}\``)).toHaveLength(2);
          expect(notice.text).toContain(`If you missed it, r${advice.slice(1)}`);
          expect(said[1]).toBe(JSON.stringify(context('Reference: `2026-11-23T08:00:00.000Z_abcdef`')));
        }
      }
    }
  });
});

describe('a change that is not a reset (Okta unlock) is never called a reset', () => {
  const unlock = CREDENTIALS.find((c) => c.id === 'okta_unlock')!;
  const words = resetWordsOf(unlock);
  it('in the push, approval, refusal and rejected-push words', () => {
    const said = JSON.stringify([
      challengeView(words, { app: 'Okta Verify', challenge: '42', waitMs: 60_000 }),
      pendingView(words, 'r1'),
      ...(['VERIFY_NO_FACTOR', 'DIRECTORY_NOT_ENABLED', 'RATE_LIMITED'] as const).map((code) => failureView({ code, email: 'ann@example.com', requestId: 'r1', verifierApp: 'Okta Verify' }, words)),
      pushRejectedNotice({ at: new Date('2026-12-04T08:00:00Z'), requestId: 'r1', app: 'Okta Verify' }, words),
    ]);
    expect(said).not.toMatch(/\b[Rr]eset(ting|s)?\b/);
    expect(said).toContain('Unlocking your Okta account needs');
    expect(said).toContain('is unlocked as soon as you approve.');
  });

  it('in every refusal: the guest, bot, other-workspace, admin-role and not-activated ones too', () => {
    const said = FAILURE_CODES.flatMap((code) => Object.values(failureMessage({ code, email: 'ann@example.com', verifierApp: 'Okta Verify' }, words)));
    expect(said.filter((line) => /\b[Rr]eset(ting|s)?\b/.test(line))).toEqual([]);
    expect(said).toEqual(
      expect.arrayContaining([
        'Guest accounts cannot use self-service unlocks.',
        'Ask IT in your home workspace to unlock it for you.',
        'Your Okta account has an admin role; admin accounts are never unlocked by self-service.',
        'Ask another admin, or IT, to unlock it.',
      ]),
    );
  });

  it("in an approved request's words: the admins' message and the requester's notices, in every state", () => {
    const kind = resetKindWords({ [unlock.id]: words });
    const request = (status: PendingRequest['status']) => resetRequest(unlock.id, status, { directoryUserId: 'okta-ann' });
    const said = JSON.stringify([finishLoadingView(), ...PENDING_STATUSES.flatMap((s) => [kind.asks(request(s)), kind.applied(request(s)), kind.notice(request(s))])]);
    expect(said).not.toMatch(/\b[Rr]eset(ting|s)?\b/);
    expect(said).toContain('asks to unlock their *Okta account*');
    expect(said).toContain('<@UADA> approved your Okta account unlock request.');
    expect(said).toContain('Finish the unlock');
  });
});

describe("a denied request's DM", () => {
  it('says, after whom to ask why, how to ask again, as the expired, withdrawn and revoked ones do: "Run `/reset-okta-mfa` to ask again."', () => {
    const mfa = CREDENTIALS.find((c) => c.command === '/reset-okta-mfa')!;
    const denied = resetRequest(mfa.id, 'DENIED', { directoryUserId: 'okta-ann' });
    const said = JSON.stringify(resetKindWords({ [mfa.id]: resetWordsOf(mfa) }).notice(denied).blocks);
    expect(said).toContain('If you think this is wrong, message <@UADA> directly, or ask IT. Run `/reset-okta-mfa` to ask again.');
  });
});

describe("a withdrawn request's notice, for both kinds (its requester's modal when it was withdrawn while being filed)", () => {
  const at = '2026-12-04T08:20:00.000Z';
  const withdrawn = { decidedBy: 'UANN', decidedAt: at };
  it('says they withdrew it, when, that nothing was changed, and how to ask again, as the Withdraw itself says it; never that it was reset or "is now withdrawn"', () => {
    const reset = resetKindWords({ [chime.id]: resetWordsOf(chime) }).notice(resetRequest(chime.id, 'WITHDRAWN', withdrawn));
    expect(reset.text).toBe(`You withdrew your meeting PIN reset request at ${slackTime(new Date(at))}. Nothing was changed, and the admins are no longer asked to decide it.`);
    expect(JSON.stringify(reset.blocks)).toContain('Run `/reset-pin` to ask again.');
    const license = licenseKindWords({ words: { ...chime.licenses!.words, command: '/request-license' }, kinds: chime.licenses!.kinds }).notice({
      ...resetRequest('', 'WITHDRAWN', withdrawn),
      kind: 'license',
      detail: { from: 'Basic', to: 'Pro' },
    });
    expect(license.text).toBe(
      `You withdrew your request to change your Amazon Chime license to Pro at ${slackTime(new Date(at))}. Nothing was changed, and the admins are no longer asked to decide it.`,
    );
    expect(JSON.stringify(license.blocks)).toContain('Run `/request-license` to ask again.');
    for (const m of [reset, license]) expect(JSON.stringify(m.blocks)).toContain(':leftwards_arrow_with_hook: You withdrew your ');
  });
});

describe("a Withdraw on a request that had already expired", () => {
  it('ends, as the withdrawn and the expired-without-a-decision messages do, with how to ask again by its own command: "Run `/reset-pin` to ask again."', () => {
    const kinds = { reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) };
    const expired = resetRequest(chime.id, 'EXPIRED', { decidedBy: undefined });
    const said = withdrawOutcome({ ok: false, code: 'REQUEST_EXPIRED', request: expired }, kinds);
    expect(said.text).toContain('had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(JSON.stringify(said.blocks.at(-1))).toContain('Run `/reset-pin` to ask again.');
  });
});

describe('the answer to a Withdraw that found nothing to withdraw', () => {
  const kinds = { reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) };
  const answer = (request: PendingRequest) => withdrawResultView({ ok: false, code: 'REQUEST_EXPIRED', request }, kinds);
  it('is titled so in its modal, not "Withdraw request", and shows :zzz: once: in its headline, not again before "Expired at …"', () => {
    const expired = answer(resetRequest(chime.id, 'EXPIRED', { decidedBy: undefined }));
    expect(expired.title.text).toBe('Nothing to withdraw');
    expect(expired.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    const shown = JSON.stringify(expired.blocks);
    // Before: ":zzz: Your meeting PIN reset request had already expired, …" then ":zzz: Expired at … without a decision."
    expect(shown.match(/:zzz:/g)).toHaveLength(1);
    expect(shown).toMatch(/"Expired at <!date\^\d+\^[^>]+> without a decision\."/);
    expect(answer(resetRequest(chime.id, 'REVOKED', { revokedBy: 'UMAX' })).title.text).toBe('Nothing to withdraw');
    expect(withdrawResultView({ ok: true, request: resetRequest(chime.id, 'WITHDRAWN') }, kinds).title.text).toBe('Withdraw request');
    expect(answer(resetRequest(chime.id, 'DENIED')).title.text).toBe('Withdraw request');
  });
});

describe('a Revoke on an approval already revoked', () => {
  const kinds = { reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) };
  const revoked = resetRequest(chime.id, 'REVOKED', { revokedBy: 'UADA' });
  it("says \"You already revoked the approval of <@UANN>'s meeting PIN reset request\" to the admin who revoked it, and names her to another admin", () => {
    expect(revokeOutcome({ ok: false, code: 'APPROVAL_REVOKED', request: revoked }, kinds, 'UADA').text).toBe(":no_entry: You already revoked the approval of <@UANN>'s meeting PIN reset request. Nothing more was changed.");
    expect(revokeOutcome({ ok: false, code: 'APPROVAL_REVOKED', request: revoked }, kinds, 'UMAX').text).toBe(":no_entry: <@UADA> already revoked the approval of <@UANN>'s meeting PIN reset request. Nothing more was changed.");
  });
});

describe('a Revoke refused before any request was read', () => {
  const kinds = { reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) };
  const said = (code: 'SLACK_UNAVAILABLE' | 'REQUEST_NOT_FOUND' | 'DIRECTORY_NOT_ENABLED') => revokeOutcome({ ok: false, code }, kinds, 'UADA', 'r-2026-12-06-abc');

  it("gives the admin's own next step, never a requester's command: Slack not answering offers Revoke again; a request not found or a kind turned off says what stands", () => {
    for (const code of ['SLACK_UNAVAILABLE', 'REQUEST_NOT_FOUND', 'DIRECTORY_NOT_ENABLED'] as const) {
      const shown = JSON.stringify(said(code).blocks);
      // Before: "Run `/reset-pin` again in a few minutes." and "Ask the requester to send it again with `/reset-pin`."
      expect(shown).not.toMatch(/Run `|send it again|Ask IT how to reset/);
      expect(said(code).text).toContain('The approval was not revoked.');
    }
    const slack = JSON.stringify(said('SLACK_UNAVAILABLE').blocks);
    expect(slack).toContain('Click *Revoke approval* below in a few minutes to try again.');
    expect(slack).toContain('"action_id":"approval_revoke"');
    expect(JSON.stringify(said('REQUEST_NOT_FOUND').blocks)).toContain('Nothing more to do: a request Latchkey no longer holds cannot be finished.');
  });
});

describe("an admin's revoke that lost to its requester's finish", () => {
  const kinds = { reset: resetKindWords({ [chime.id]: resetWordsOf(chime) }) };
  const request = (status: PendingRequest['status']) => resetRequest(chime.id, status, { takenAt: '2026-12-04T08:10:00.000Z' });

  it('says the finish had started; approved again since (that finish sent nothing and gave it back), that it can be revoked now, with its button', () => {
    const under = JSON.stringify(revokeOutcome({ ok: false, code: 'FINISH_STARTED', request: request('FINISHING') }, kinds, 'UADA').blocks);
    expect(under).toContain('Your revoke changed nothing: <@UANN> had already started finishing their meeting PIN reset request at');
    expect(under).not.toContain('Revoke approval');
    const back = JSON.stringify(revokeOutcome({ ok: false, code: 'FINISH_STARTED', request: request('APPROVED') }, kinds, 'UADA').blocks);
    expect(back).toContain('Your revoke changed nothing: <@UANN> had already started finishing their meeting PIN reset request at');
    expect(back).toContain('Their approval stands again since: click *Revoke approval* below to revoke it.');
    expect(back).toContain('"action_id":"approval_revoke"');
  });
});

describe("an admin's review of a reset whose account the directory no longer has", () => {
  const request = resetRequest('', 'PENDING', { detail: { credential: '' }, expiresAt: '2026-12-05T08:00:00.000Z' });
  const members = { getMember: async () => ({ id: 'UANN', email: 'ann@example.com', realName: 'Ann Archer' }) } as unknown as WorkspaceMembers;
  /** The review a credential's directory answering `failure` to reviewFacts gives. */
  const reviewed = async (credential: Credential, failure: FailureCode) => {
    const directory = { reviewFacts: async () => Promise.reject(new LatchkeyFailure(failure, 'answered')) } as unknown as Directory;
    const kind = resetKind(new Map([[credential.id, { audit: credential.audit, reviewFacts: true as const, directory }]]), members);
    const r = { ...request, detail: { credential: credential.id } };
    const view = reviewView({ request: r, details: await kind.reviewDetails(r) }, resetKindWords({ [credential.id]: resetWordsOf(credential) }));
    const options = (view.blocks.find((b) => b.block_id === 'decision') as any).element.options.map((o: { value: string }) => o.value);
    const comment = view.blocks.find((b) => b.block_id === 'comment') as any;
    return { text: JSON.stringify(view.blocks), options, comment: [comment.optional, comment.label.text] };
  };

  it.each(CREDENTIALS.filter((c) => c.reviewFacts).map((c) => [c.id, c] as const))(
    '%s: "not found" from its directory says it no longer has their account and that approving could not work, and offers only Deny; any other failure still offers both',
    async (_, credential) => {
      const words = resetWordsOf(credential);
      const gone = await reviewed(credential, 'DIRECTORY_USER_NOT_FOUND');
      expect(gone.text).toContain(`${words.directory} no longer has their ${words.account}`);
      expect(gone.text).toContain(`Approving could not work: when they click Finish, Latchkey looks them up in ${words.directory} again, finds no ${words.account} and changes nothing`);
      expect(gone.text).not.toContain('could not ask');
      expect(gone.options).toEqual(['deny']);
      // Only Deny to pick: its reason is required from the start, as picking Deny would make it.
      expect(gone.comment).toEqual([false, 'Reason for the denial']);
      const unread = await reviewed(credential, 'DIRECTORY_UNAVAILABLE');
      expect(unread.text).toContain(`Latchkey could not ask ${words.directory} about this account just now`);
      expect(unread.text).not.toContain('no longer has');
      expect(unread.options).toEqual(['approve', 'deny']);
      expect(unread.comment).toEqual([true, 'Comment for the requester']);
    },
  );
});

describe("an approved change that makes no secret (an MFA reset, an unlock) is never said to show a password or PIN", () => {
  const request = (credential: Credential, status: PendingRequest['status']) => resetRequest(credential.id, status);
  /** What its requester's DMs and its approver's review say of it, in every state. */
  const said = (credential: Credential) => {
    const kind = resetKindWords({ [credential.id]: resetWordsOf(credential) });
    return JSON.stringify([
      ...PENDING_STATUSES.map((s) => kind.notice(request(credential, s))),
      kind.details(request(credential, 'PENDING'), {}),
      finishedMessage({ ok: true, at: new Date('2026-12-04T08:30:00Z') }, resetWordsOf(credential)),
    ]);
  };

  it.each(['okta_mfa', 'okta_unlock'])('%s: its DMs and its review name no password or PIN', (id) => {
    const text = said(CREDENTIALS.find((c) => c.id === id)!);
    // Before: 'anything new (a password, say) is shown there', 'Latchkey shows a new password or PIN to you alone'.
    expect(text).not.toMatch(/password|PIN/);
    expect(text).toContain('The button works once, for you alone.');
  });

  it('a change that makes one names its own: the PIN, the temporary password', () => {
    expect(said(chime)).toContain('Latchkey shows your new PIN to you alone');
    expect(said(chime)).toContain('It opens a window only you see, and your new PIN is shown there.');
    expect(said(CREDENTIALS.find((c) => c.id === 'okta_password')!)).toContain('Latchkey shows your temporary password to you alone');
    expect(said(CREDENTIALS.find((c) => c.id === 'okta_password')!)).not.toMatch(/PIN/);
  });
});

describe("a request is named in sentences by the noun its credential declares, never by its modal's title", () => {
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    expect(words.request).toBeTruthy();
    expect(words.request).not.toBe(words.title);
    const kinds = { reset: resetKindWords({ [credential.id]: words }) };
    const request = (status: PendingRequest['status']) => resetRequest(credential.id, status, { detail: { credential: credential.id }, revokedBy: 'UMAX' });
    const revoked = revokeOutcome({ ok: true, request: request('REVOKED') }, kinds, 'UMAX').text;
    const withdrawn = withdrawOutcome({ ok: true, request: request('WITHDRAWN') }, kinds).text;
    // Before: "Revoked: <@UANN> can no longer finish Reset Okta password", "You withdrew your request (Reset Okta password)".
    expect(revoked).toContain(`Revoked: <@UANN> can no longer finish their ${words.request} request, and nothing was changed.`);
    expect(withdrawn).toContain(`You withdrew your ${words.request} request.`);
    expect(`${revoked} ${withdrawn}`).not.toContain(words.title);
  });
});

describe("a withdraw's and a revoke's answers name the request in a sentence, as its DMs do, never in brackets after \"your request\"", () => {
  const words = resetWordsOf(chime);
  const kinds = { reset: resetKindWords({ [chime.id]: words }) };
  const request = (status: PendingRequest['status'], more: Partial<PendingRequest> = {}) =>
    resetRequest(chime.id, status, { revokedBy: 'UMAX', revokedAt: '2026-12-04T08:20:00.000Z', decidedAt: '2026-12-04T08:10:00.000Z', ...more });
  const withdrawn = (status: PendingRequest['status'], ok = true) => withdrawOutcome(ok ? { ok, request: request(status) } : { ok, code: 'REQUEST_DECIDED', request: request(status) }, kinds).text;
  const at = (iso: string) => slackTime(new Date(iso));

  it('a meeting PIN reset: "your meeting PIN reset request", "their meeting PIN reset request"', () => {
    // Before: "You withdrew your request (meeting PIN reset) at …", "can no longer finish their request (meeting PIN reset)".
    expect(withdrawn('WITHDRAWN')).toBe(
      `:leftwards_arrow_with_hook: You withdrew your meeting PIN reset request at ${at('2026-12-04T08:10:00.000Z')}. Nothing was changed, and the admins are no longer asked to decide it.`,
    );
    // A replayed click rewrites the DM with this: it keeps saying the admins are no longer asked (before: "… Nothing was changed." alone).
    expect(withdrawn('WITHDRAWN', false)).toBe(
      `:leftwards_arrow_with_hook: You already withdrew your meeting PIN reset request at ${at('2026-12-04T08:10:00.000Z')}. Nothing was changed, and the admins are no longer asked to decide it.`,
    );
    expect(withdrawn('EXPIRED', false)).toBe(':zzz: Your meeting PIN reset request had already expired, so there was nothing to withdraw. Nothing was changed.');
    expect(withdrawn('DENIED', false)).toBe(':no_entry: You could not withdraw your meeting PIN reset request: <@UADA> already decided it.');
    expect(withdrawn('APPROVED', false)).toBe(':warning: You could not withdraw your meeting PIN reset request: <@UADA> already approved it.');
    expect(withdrawn('REVOKED', false)).toBe(
      `:no_entry: There was nothing to withdraw: <@UMAX> revoked the approval of your meeting PIN reset request at ${at('2026-12-04T08:20:00.000Z')}, before you finished it.`,
    );
    expect(revokeOutcome({ ok: true, request: request('REVOKED') }, kinds, 'UMAX').text).toBe(
      ':no_entry: Revoked: <@UANN> can no longer finish their meeting PIN reset request, and nothing was changed. They have been told, and can ask again.',
    );
    expect(revokeOutcome({ ok: true, request: request('REVOKED'), followUp: true }, kinds, 'UADA').text).toBe(
      ':no_entry: <@UMAX> revoked it; its requester has now been told: <@UANN> can no longer finish their meeting PIN reset request, and nothing was changed, and can ask again.',
    );
    // Another click took over telling them: never "They have been told", whose DM may fail as well.
    expect(revokeOutcome({ ok: true, request: request('REVOKED'), requesterUnconfirmed: 'another click' }, kinds, 'UMAX').text).toBe(
      ":no_entry: Revoked: <@UANN> can no longer finish their meeting PIN reset request, and nothing was changed. :information_source: Another click took over telling <@UANN>, so whether Latchkey's message reached them is not known here: if they say they heard nothing, tell them yourself that it was revoked, and that they can ask again with `/reset-pin`.",
    );
  });

  it("a license change: as its DMs say it, \"your request to change your Amazon Chime license to Pro\"; a withdraw's answer is its withdrawn DM's words", () => {
    const license = licenseKindWords({ words: { ...chime.licenses!.words, command: '/request-license' }, kinds: [] });
    const asked = { ...request('WITHDRAWN'), kind: 'license', detail: { from: 'Basic', to: 'Pro' } };
    const answer = withdrawOutcome({ ok: true, request: asked }, { license }).text;
    // Before: "You withdrew your request (Basic → Pro) at …".
    expect(answer).toContain(`You withdrew your request to change your Amazon Chime license to Pro at ${at('2026-12-04T08:10:00.000Z')}.`);
    expect(answer).toContain(license.notice(asked).text);
    expect(withdrawOutcome({ ok: false, code: 'REQUEST_EXPIRED', request: { ...asked, status: 'EXPIRED' } }, { license }).text).toBe(
      ':zzz: Your request to change your Amazon Chime license to Pro had already expired, so there was nothing to withdraw. Nothing was changed.',
    );
    expect(withdrawOutcome({ ok: true, request: request('WITHDRAWN') }, kinds).text).toContain(kinds.reset.notice(request('WITHDRAWN')).text);
  });

  it('a withdraw that found its request but did not withdraw it names the request and says what to do next: still waiting, withdraw it from the Home tab again; in a state this version does not know, ask IT', () => {
    // Before: ":warning: Your request was not withdrawn. …", naming nothing, with no next step.
    const waiting = withdrawOutcome({ ok: false, code: 'REQUEST_DECIDED', request: request('PENDING') }, kinds);
    expect(waiting.text).toBe(`:warning: Your meeting PIN reset request was not withdrawn. :hourglass: Waiting for an admin; expires at ${at('2026-12-04T09:00:00.000Z')}.`);
    expect(JSON.stringify(waiting.blocks)).toContain('Your Home tab shows where it stands: click *Withdraw request* there again in a few minutes.');
    const unknown = withdrawOutcome({ ok: false, code: 'REQUEST_DECIDED', request: request('UNKNOWN', { recordedStatus: 'PARKED' }) }, kinds);
    expect(unknown.text).toMatch(/^:warning: Your meeting PIN reset request was not withdrawn\. :grey_question: .*Ask IT to check it with the reference `a1`/);
    // Its line already says what to do next: no second, contradicting step.
    expect(JSON.stringify(unknown.blocks)).not.toContain('Withdraw request');
    const license = licenseKindWords({ words: { ...chime.licenses!.words, command: '/request-license' }, kinds: [] });
    const asked = { ...request('PENDING'), kind: 'license', detail: { from: 'Basic', to: 'Pro' } };
    expect(withdrawOutcome({ ok: false, code: 'REQUEST_DECIDED', request: asked }, { license }).text).toMatch(
      /^:warning: Your request to change your Amazon Chime license to Pro was not withdrawn\. :hourglass:/,
    );
  });

  it('a withdraw whose write was refused and where it stands not read back: on the Home tab, never "still waiting" as read before the write, but that it changed nothing, that it could not be read, and what to do next', () => {
    const unread = withdrawResultView({ ok: false, code: 'REQUEST_DECIDED', request: request('PENDING'), unread: true }, kinds);
    const shown = JSON.stringify(unread.blocks);
    expect(shown).toContain(':warning: Your withdraw changed nothing: your meeting PIN reset request no longer waited for an admin, and Latchkey could not read where it stands now.');
    expect(shown).toContain('Your Home tab shows where it stands: if it still offers *Withdraw request*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference `a1`.');
    expect(shown).not.toContain('Waiting for an admin');
  });
});

describe("a revoke that changed nothing names the request, and whose, in a sentence: its answer is an ephemeral in the approvals channel, among many requests", () => {
  const words = resetWordsOf(chime);
  const kinds = { reset: resetKindWords({ [chime.id]: words }) };
  const request = (status: PendingRequest['status'], more: Partial<PendingRequest> = {}) =>
    resetRequest(chime.id, status, { revokedBy: 'UMAX', revokedAt: '2026-12-04T08:20:00.000Z', decidedAt: '2026-12-04T08:10:00.000Z', ...more });
  const refused = (code: 'APPROVAL_REVOKED' | 'FINISH_STARTED' | 'REQUEST_EXPIRED' | 'REQUEST_DECIDED', status: PendingRequest['status'], more: Partial<PendingRequest> = {}) =>
    revokeOutcome({ ok: false, code, request: request(status, more) }, kinds, 'UADA').text;
  const at = (iso: string) => slackTime(new Date(iso));

  it('revoked already, its finish started, or never approved to revoke: "<@UANN>\'s meeting PIN reset request"', () => {
    // Before: "<@UMAX> already revoked this approval. Nothing more was changed.", naming no request.
    expect(refused('APPROVAL_REVOKED', 'REVOKED')).toBe(':no_entry: <@UMAX> already revoked the approval of <@UANN>\'s meeting PIN reset request. Nothing more was changed.');
    expect(revokeOutcome({ ok: false, code: 'APPROVAL_REVOKED', request: request('REVOKED') }, kinds, 'UMAX').text).toBe(
      ':no_entry: You already revoked the approval of <@UANN>\'s meeting PIN reset request. Nothing more was changed.',
    );
    // Before: "Your revoke changed nothing: <@UANN> had already started finishing it at …".
    expect(refused('FINISH_STARTED', 'FINISHING', { takenAt: '2026-12-04T08:15:00.000Z' })).toBe(
      `:warning: Your revoke changed nothing: <@UANN> had already started finishing their meeting PIN reset request at ${at('2026-12-04T08:15:00.000Z')}.`,
    );
    expect(refused('FINISH_STARTED', 'APPROVED', { takenAt: '2026-12-04T08:15:00.000Z' })).toBe(
      `:warning: Your revoke changed nothing: <@UANN> had already started finishing their meeting PIN reset request at ${at('2026-12-04T08:15:00.000Z')}. Their approval stands again since: click Revoke approval below to revoke it.`,
    );
    // Before: "There was no approval to revoke, so nothing was changed."
    expect(refused('REQUEST_EXPIRED', 'EXPIRED')).toBe(':warning: There was no approval to revoke on <@UANN>\'s meeting PIN reset request, so nothing was changed.');
    expect(refused('REQUEST_DECIDED', 'DENIED')).toBe(':warning: There was no approval to revoke on <@UANN>\'s meeting PIN reset request, so nothing was changed.');
  });

  it('its write refused and where it stands not read back: never "there was no approval to revoke" as if it were read, but that it changed nothing, that it could not be read, and what to do next', () => {
    // Before: ":warning: There was no approval to revoke, so nothing was changed.", naming none: the words of a request read and found decided.
    const unread = revokeOutcome({ ok: false, code: 'REQUEST_DECIDED', request: request('APPROVED'), unread: true }, kinds, 'UADA');
    expect(unread.text).toBe(":warning: Your revoke changed nothing: the approval of <@UANN>'s meeting PIN reset request no longer stood, and Latchkey could not read where it stands now.");
    const shown = JSON.stringify(unread.blocks);
    expect(shown).toContain("Its admins' message shows where it stands: if it still offers *Revoke approval*, click it again in a few minutes. If Latchkey still cannot read it then, tell IT the reference `a1`.");
    // The request as read before the write (approved) is out of date: no line of where it stands.
    expect(shown).not.toContain('Approved by');
    expect(unread.text).not.toContain('There was no approval to revoke');
  });

  it("a license change, named after someone's mention: \"<@UANN>'s request to change their Amazon Chime license to Pro\"", () => {
    const license = licenseKindWords({ words: { ...chime.licenses!.words, command: '/request-license' }, kinds: [] });
    const asked = { ...request('DENIED'), kind: 'license', detail: { from: 'Basic', to: 'Pro' } };
    expect(license.called(asked, "<@UANN>'s")).toBe("<@UANN>'s request to change their Amazon Chime license to Pro");
    expect(revokeOutcome({ ok: false, code: 'REQUEST_DECIDED', request: asked }, { license }, 'UADA').text).toBe(
      ":warning: There was no approval to revoke on <@UANN>'s request to change their Amazon Chime license to Pro, so nothing was changed.",
    );
  });
});

describe('a request already open is named by its noun, in sentences that need no article before it', () => {
  const states = ['waiting', 'approved', 'finishing', 'outcome_unknown', 'other'] as const;
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    const until = new Date('2026-12-04T09:00:00Z');
    const said = [
      failureMessage({ code: 'REQUEST_OPEN' }, words).headline,
      ...states.map((state) => failureMessage({ code: 'REQUEST_OPEN', open: { state, until } }, words).headline),
      recordedFailureHeadline({ code: 'REQUEST_OPEN' }, words),
    ];
    // Before: "You already have a Okta MFA request waiting for an admin.", "An admin approved your Okta account request."
    for (const line of said) expect(line).toContain(`${words.request} request`);
    expect(said.filter((line) => /\ba [AEIOU]/.test(line))).toEqual([]);
  });

  it('says where it stands: waiting, approved, being finished', () => {
    const mfa = resetWordsOf(CREDENTIALS.find((c) => c.id === 'okta_mfa')!);
    const until = new Date('2026-12-04T09:00:00Z');
    expect(failureMessage({ code: 'REQUEST_OPEN', open: { state: 'waiting', until } }, mfa).headline).toBe('Your Okta MFA reset request is already waiting for an admin.');
    expect(failureMessage({ code: 'REQUEST_OPEN', open: { state: 'approved', until } }, mfa).headline).toBe('An admin approved your Okta MFA reset request.');
    expect(failureMessage({ code: 'REQUEST_OPEN', open: { state: 'finishing', until } }, mfa).headline).toBe('Your approved Okta MFA reset request is being finished now.');
  });
});

describe("the admin's review of a request is titled by the request's one name, its credential's noun", () => {
  const license = { ...CREDENTIALS.find((c) => c.licenses)!.licenses!.words, command: '/request-license' };
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    const kind = resetKindWords({ [credential.id]: words });
    const title = capitalized(words.request);
    // Before: every review, closed review and decision was titled "Review request", whatever was asked for.
    expect(reviewView({ request: resetRequest(credential.id, 'PENDING'), details: {} }, kind).title.text).toBe(title);
    expect(reviewClosedView(resetRequest(credential.id, 'DENIED', { comment: 'no' }), kind).title.text).toBe(title);
    expect(decisionResultView(resetRequest(credential.id, 'APPROVED'), kind, false, true).title.text).toBe(title);
    expect(title.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  });

  it('a license change, and a request whose credential is no longer served', () => {
    const kind = licenseKindWords({ words: license, kinds: [] });
    const request = { ...resetRequest('', 'PENDING'), kind: 'license', detail: { from: 'Basic', to: 'Pro' } };
    expect(reviewView({ request, details: {} }, kind).title.text).toBe(capitalized(license.request));
    expect(license.request.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    const gone = reviewView({ request: resetRequest('retired_credential', 'PENDING'), details: {} }, resetKindWords({})).title.text;
    expect(gone.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    expect(gone).toBe('Credential reset');
  });
});

describe("an approved reset's DMs name the request by its one name, its credential's noun", () => {
  const occasions: [PendingRequest['status'], Partial<PendingRequest>][] = [
    ['PENDING', {}],
    ['APPROVED', {}],
    ['DENIED', { comment: 'no' }],
    ['DENIED', { comment: 'closed', errorCode: OUTCOME_UNKNOWN }],
    ['EXPIRED', { decidedBy: undefined }],
    ['EXPIRED', {}],
    ['EXPIRED', { earlierFinishRequestId: 'f0' }],
    ['REVOKED', { revokedBy: 'UMAX' }],
    ['APPLY_FAILED', {}],
    ['WITHDRAWN', { decidedBy: 'UANN', decidedAt: '2026-12-04T08:20:00.000Z' }],
  ];
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    const kind = resetKindWords({ [credential.id]: words });
    const said = [
      ...occasions.map(([status, more]) => kind.notice(resetRequest(credential.id, status, more)).text),
      finishedMessage({ ok: true, at: new Date('2026-12-04T08:30:00Z') }, words).text,
      finishedMessage({ ok: false, at: new Date('2026-12-04T08:30:00Z'), code: 'DIRECTORY_UNAVAILABLE' }, words).text,
    ];
    // Before: "Your request to reset your Okta password was sent to the admins.", "Your approved reset of your Okta password expired…".
    for (const text of said) {
      expect(text).toContain(words.request);
      expect(text).not.toMatch(/request to |approved \w+ of your|finished the \w+ of/);
    }
    expect(said[0]).toBe(`Your ${words.request} request was sent to the admins.`);
  });
});

describe("the admins' message about an approved reset names it by its one name, its credential's noun", () => {
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    const kind = resetKindWords({ [credential.id]: words });
    // Before: "Reset request from <@UANN>: Okta password reset (pending)", the kind's name and the request's together.
    expect(approvalMessage(resetRequest(credential.id, 'PENDING'), kind, true).text).toBe(`${capitalized(words.request)} request from <@UANN> (waiting for an admin)`);
    // Where it stands in the body's words, never the stored status ("(apply failed)", "(applied)").
    expect(approvalMessage(resetRequest(credential.id, 'APPLY_FAILED'), kind, true).text).toBe(`${capitalized(words.request)} request from <@UANN> (approved by <@UADA>, but the change was not applied)`);
    expect(approvalMessage(resetRequest(credential.id, 'APPLIED'), kind, false).text).toBe(`${capitalized(words.request)} request from <@UANN> (approved by <@UADA> and finished by <@UANN>)`);
  });
});

describe("the requester's window after asking an admin names the request once, by what it changes", () => {
  it.each(CREDENTIALS.map((c) => [c.id, c] as const))('%s', (_, credential) => {
    const words = resetWordsOf(credential);
    const said = JSON.stringify(pendingView(words, 'r1').blocks);
    expect(said).toContain(`your ${words.what} needs an admin's approval. Your request has been sent to them.`);
    // Before: "Resetting your Amazon WorkMail password needs an admin's approval. Your mail password reset request has been sent to them.": two names for one request.
    expect(said).not.toContain(`${words.request} request`);
  });
});

describe('a reference quoted to a person can be read out to IT: its short form and UTC day after it, whole to copy', () => {
  const reference = '2026-12-06T11:48:47.213Z_b1463b39c384';

  it("a reset's notice gives the last 6 characters of its reference and its day, after the whole reference", () => {
    const notice = resetNotice({ ...done(chime), requestId: reference }, resetWordsOf(chime));
    // Before: 'Reference: `2026-12-06T11:48:47.213Z_b1463b39c384`', 37 characters to read out on the phone.
    expect(JSON.stringify(notice.blocks)).toContain('Reference: `2026-12-06T11:48:47.213Z_b1463b39c384` (short: *39c384*, 6 Dec UTC)');
  });

  it('in a sentence too; and the day is the UTC day its search picks, whatever the hour', () => {
    expect(outcomeUnknownCheck(reference)).toBe('IT can check it with the reference `2026-12-06T11:48:47.213Z_b1463b39c384` (short: *39c384*, 6 Dec UTC).');
    expect(outcomeUnknownCheck('2027-01-09T23:59:59.999Z_00000000000a')).toContain('(short: *00000a*, 9 Jan UTC)');
    // Anything newRequestId did not make is quoted as it is, with no short form.
    expect(outcomeUnknownCheck('reset-earlier-finish')).toBe('IT can check it with the reference `reset-earlier-finish`.');
  });
});
