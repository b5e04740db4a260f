import { CREDENTIALS } from '../credentials';
import { VERIFIERS } from '../verifiers';
import { APPROVAL_STEPS, approvalAction } from '../flows/approvals/pending-request';
import type { ApprovalKindWords, ApprovalWords, StepName } from '../views/approval-words';
import type { HomeWords } from '../views/home-tab';
import type { LicenseVocabulary, SubjectWords } from '../views/words';
import { resetWordsOf } from './reset-words';

/** The Home tab's words, from the registry: each credential's button and name, and each kind of pending request's steps. */
/** `approvals` has every known kind's words (past records are named even when a kind is off); `served`, the kinds on. */
/** `verifyWaitMs`: how long the `verify` policy's push waits, when a verifier is configured. */
export function homeWords(vocabulary: LicenseVocabulary, approvals: ApprovalWords, served: readonly string[] = Object.keys(approvals), verifyWaitMs?: number): HomeWords {
  const kinds = Object.entries(approvals);
  return {
    credentials: Object.fromEntries(CREDENTIALS.map((c) => [c.id, { button: c.words.homeButton, words: resetWordsOf(c) }])),
    actions: {
      // A request is named by its noun ("Okta password reset"), as everywhere else, never by its modal's title (a command).
      ...Object.fromEntries(CREDENTIALS.map((c) => [c.audit.action, { name: c.words.request, words: resetWordsOf(c) }])),
      ...Object.fromEntries(
        kinds.flatMap(([kind, w]) =>
          APPROVAL_STEPS.map((step) => [
            approvalAction(kind, step),
            {
              ...nameOf(w, step),
              words: w.subject,
              // A revoke's records whose person only told of another admin's revoke: named for what they did.
              ...(step === 'revoke' && { followUp: nameOf(w, 'revokeFollowUp') }),
              ...(w.approvedActivity && { approved: (own: boolean) => w.approvedActivity!(own) }),
              ...(w.appliedActivity && { applied: (by?: string) => w.appliedActivity!(by) }),
            },
          ]),
        ),
      ),
    },
    license: { button: 'Request a license change', vocabulary },
    approvals: { words: approvals, ownHeading: served.length === 1 && served[0] === 'license' ? `Your ${vocabulary.words.request} requests` : 'Your requests' },
    verifiers: Object.fromEntries(VERIFIERS.map((v) => [v.audit.verifier, v.words.app])),
    verifierMistakes: Object.fromEntries(VERIFIERS.map((v) => [v.audit.verifier, v.words.mistake])),
    verifierServices: Object.fromEntries(VERIFIERS.map((v) => [v.audit.verifier, v.words.service])),
    verifierReasons: Object.fromEntries(VERIFIERS.flatMap((v) => (v.words.reasons ? [[v.audit.verifier, v.words.reasons] as const] : []))),
    ...(verifyWaitMs !== undefined && { verifyWaitMs }),
  };
}

/** What a line of a kind's step is called: the kind's name for it, and (`named`) its name in a request's noun where its subject is known. */
function nameOf(w: ApprovalKindWords, step: StepName): { readonly name: string; readonly named?: (subject: SubjectWords) => string } {
  return { name: w.steps[step], ...(w.stepOf && { named: (subject: SubjectWords) => w.stepOf!(step, subject) }) };
}
