import type { GuardedApp } from '../slack/guarded-app';
import { describeError } from '../flows/failure';
import { EVERYONE_MAX_DAYS, isReference, isReferenceEnd, SEARCH_MAX_DAYS, searchProblem, type HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { AUDIT_SEARCH, auditReferenceView, auditResultsView, auditSearchingView, REFERENCE_EXAMPLE } from '../views/audit-search';
import type { HomeWords } from '../views/home-tab';
import { actingUser, inputValue, viewSubmissionSchema } from './slack-payloads';

const SEARCH_PROBLEMS: Record<NonNullable<ReturnType<typeof searchProblem>>, string> = {
  NOT_A_DAY: 'Pick both days from the calendars.',
  FROM_AFTER_TO: 'This day is before the first one.',
  TOO_LONG: `Search at most ${SEARCH_MAX_DAYS} days at a time.`,
};

const PICK_A_DAY = 'Pick a day here, or paste a reference above.';

const SHORT_TOO_LONG = `Look for a short reference over at most ${EVERYONE_MAX_DAYS} days, or paste it whole.`;

const EVERYONE_TOO_LONG = `Search everyone at most ${EVERYONE_MAX_DAYS} days at a time, or pick a person.`;

/** What a reference field that is neither a whole reference nor a short one gets: what to give instead. */
function referenceProblem(text: string): string {
  return /^_?[0-9a-f]{1,5}$/.test(text)
    ? `Too short: give at least the last 6 characters of the reference (such as ${REFERENCE_EXAMPLE.slice(-6)}), or paste it whole.`
    : `That is not a reference. Give its last 6 characters (0-9 and a-f, such as ${REFERENCE_EXAMPLE.slice(-6)}), or paste it whole, such as ${REFERENCE_EXAMPLE}.`;
}

/**
 * The labels Latchkey prints right before a reference ("Reference: `…`" in messages and windows,
 * "Reference `…`" and "Reference of the latest `…`" on the Home tab, "Your open request's reference: `…`"),
 * any case, colon or not: an admin pastes what they were sent, label and all. Nothing else before it.
 */
const REFERENCE_LABEL = /^(?:reference(?: of the latest)?|your open request's reference)(?::\s*|\s+)(?=\S)/i;

/** What the messages print after a whole reference (referenceWords): its short form and day, for reading out. */
const SHORT_FORM_AFTER = /(?<=\S)\s*\(short: [^()]*\)$/;

/** That short form copied alone, bold or not ("(short: *39c384*, 6 Dec UTC)"): its characters are the short form. */
const SHORT_FORM_ALONE = /^\(short: \*?([0-9a-f]{6,12})\*?(?:,[^()]*)?\)$/i;

/**
 * The reference as pasted or typed: spaces, its label, the short form printed after it and the
 * backticks or bold around it put aside; a short form read out in capitals, lowercase.
 */
function pastedReference(text: string): string {
  const labelled = text.trim().replace(REFERENCE_LABEL, '');
  const bare = SHORT_FORM_ALONE.exec(labelled)?.[1] ?? labelled.replace(SHORT_FORM_AFTER, '').replace(/^[`*]|[`*]$/g, '');
  return /^_?[0-9a-f]+$/i.test(bare) ? bare.replace(/^_/, '').toLowerCase() : bare;
}

/**
 * The admin's search: the dates are checked in the answer (an inline error), then "Searching…"
 * while the flow checks the admin again and reads one page, which then replaces it.
 */
export function registerAuditSearchSubmission(app: GuardedApp, home: HomeTab, words: HomeWords, logger: Logger): void {
  const client = app.slack;
  app.view(AUDIT_SEARCH.callbackId, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const admin = parsed.success ? actingUser(parsed.data) : undefined;
    const person = parsed.success ? inputValue(parsed.data, AUDIT_SEARCH.person, AUDIT_SEARCH.person) : undefined;
    const from = parsed.success ? inputValue(parsed.data, AUDIT_SEARCH.from, AUDIT_SEARCH.from) : undefined;
    const to = parsed.success ? inputValue(parsed.data, AUDIT_SEARCH.to, AUDIT_SEARCH.to) : undefined;
    const pasted = parsed.success ? inputValue(parsed.data, AUDIT_SEARCH.reference, AUDIT_SEARCH.reference) : undefined;
    const reference = pasted === undefined ? undefined : pastedReference(pasted);
    if (parsed.success && admin && reference && isReferenceEnd(reference)) {
      // A short reference is looked for among the days picked: everyone's records, so everyone's bound.
      const problem = !from || !to ? 'NO_DAY' : searchProblem(from, to, EVERYONE_MAX_DAYS);
      if (problem) {
        const why = problem === 'NO_DAY' ? 'Pick the days to look for this short reference in.' : problem === 'TOO_LONG' ? SHORT_TOO_LONG : SEARCH_PROBLEMS[problem];
        await ack({ response_action: 'errors', errors: { [!to || problem === 'FROM_AFTER_TO' || problem === 'TOO_LONG' ? AUDIT_SEARCH.to : AUDIT_SEARCH.from]: why } });
        return;
      }
      await ack({ response_action: 'update', view: auditSearchingView() });
      const result = await home.lookUpEnd(admin, { end: reference, from: from!, to: to! });
      await client.views
        .update({ view_id: parsed.data.view.id, view: auditReferenceView({ reference, result, words, days: { from: from!, to: to! }, ...(person && { ignoredPerson: person }) }) })
        .catch((err: unknown) => logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'could not show the search results'));
      return;
    }
    if (parsed.success && admin && reference) {
      if (!isReference(reference)) {
        await ack({ response_action: 'errors', errors: { [AUDIT_SEARCH.reference]: referenceProblem(reference) } });
        return;
      }
      await ack({ response_action: 'update', view: auditSearchingView() });
      const result = await home.lookUp(admin, reference);
      await client.views
        .update({ view_id: parsed.data.view.id, view: auditReferenceView({ reference, result, words, ...(person && { ignoredPerson: person }) }) })
        .catch((err: unknown) => logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'could not show the search results'));
      return;
    }
    if (!parsed.success || !admin) {
      await ack({ response_action: 'errors', errors: { [AUDIT_SEARCH.person]: 'Pick both days, and a person or nobody (everyone), or paste a reference above.' } });
      return;
    }
    // A day left empty: the error under that day (or both), where the admin looks for it.
    if (!from || !to) {
      await ack({ response_action: 'errors', errors: { ...(!from && { [AUDIT_SEARCH.from]: PICK_A_DAY }), ...(!to && { [AUDIT_SEARCH.to]: PICK_A_DAY }) } });
      return;
    }
    const problem = searchProblem(from, to, person ? SEARCH_MAX_DAYS : EVERYONE_MAX_DAYS);
    if (problem) {
      await ack({ response_action: 'errors', errors: { [AUDIT_SEARCH.to]: problem === 'TOO_LONG' && !person ? EVERYONE_TOO_LONG : SEARCH_PROBLEMS[problem] } });
      return;
    }
    await ack({ response_action: 'update', view: auditSearchingView() });
    const result = await home.search(admin, { ...(person && { person }), from, to });
    await client.views
      .update({ view_id: parsed.data.view.id, view: auditResultsView({ ...(person && { person }), from, to, result, page: 1, words }) })
      .catch((err: unknown) => logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'could not show the search results'));
  });
}
