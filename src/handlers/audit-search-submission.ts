import type { GuardedApp } from '../slack/guarded-app';
import { describeError } from '../flows/failure';
import { EVERYONE_MAX_DAYS, isReference, isReferenceEnd, SEARCH_MAX_DAYS, searchProblem, type HomeTab } from '../flows/home-tab';
import type { Logger } from '../flows/ports';
import { shortFormDay } from '../flows/request-id';
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

const PICK_BOTH_OR_NEITHER = `Pick both days, or neither to look for this short reference over the last ${EVERYONE_MAX_DAYS} days.`;

const SHORT_FORM_DAY_PROBLEM = `That day is not one a message gives: paste it as printed, such as ${REFERENCE_EXAMPLE.slice(-6)}, 5 Dec UTC, or give the short form alone.`;

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

/** That short form copied alone, bold or not ("(short: *39c384*, 6 Dec UTC)"): its characters are the short form, then its day. */
const SHORT_FORM_ALONE = /^\(short: \*?([0-9a-f]{6,12})\*?(?:,([^()]*))?\)$/i;

/** The short form and its day as the messages print them, without the brackets around them ("39c384, 6 Dec UTC"). */
const SHORT_FORM_WITH_DAY = /^\*?([0-9a-f]{6,12})\*?,(.*)$/i;

/**
 * The reference as pasted or typed: spaces, its label, the short form printed after it and the
 * backticks or bold around it put aside; a short form read out in capitals, lowercase. A short
 * form's day, when pasted with it ("6 Dec", its "UTC" put aside), comes apart: the day to search.
 */
function pastedReference(text: string): { reference: string; day?: string } {
  const labelled = text.trim().replace(REFERENCE_LABEL, '');
  const short = SHORT_FORM_ALONE.exec(labelled) ?? SHORT_FORM_WITH_DAY.exec(labelled);
  const day = short?.[2]?.trim().replace(/\s*\bUTC$/i, '');
  const bare = short?.[1] ?? labelled.replace(SHORT_FORM_AFTER, '').replace(/^[`*]|[`*]$/g, '');
  const reference = /^_?[0-9a-f]+$/i.test(bare) ? bare.replace(/^_/, '').toLowerCase() : bare;
  return { reference, ...(day !== undefined && { day }) };
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
    const { reference, day } = pasted === undefined ? { reference: undefined, day: undefined } : pastedReference(pasted);
    if (parsed.success && admin && reference && isReferenceEnd(reference)) {
      // A short form's day pasted with it is its reference's: that day is searched, whatever days are
      // picked. Otherwise the days picked, or with none the last ones the flow counts from today.
      // Everyone's records, so everyone's bound.
      if (day !== undefined && !shortFormDay(day)) {
        await ack({ response_action: 'errors', errors: { [AUDIT_SEARCH.reference]: SHORT_FORM_DAY_PROBLEM } });
        return;
      }
      const picked = day === undefined && (from || to);
      const problem = !picked ? undefined : !from || !to ? 'ONE_DAY' : searchProblem(from, to, EVERYONE_MAX_DAYS);
      if (problem) {
        const why = problem === 'ONE_DAY' ? PICK_BOTH_OR_NEITHER : problem === 'TOO_LONG' ? SHORT_TOO_LONG : SEARCH_PROBLEMS[problem];
        await ack({ response_action: 'errors', errors: { [!to || problem === 'FROM_AFTER_TO' || problem === 'TOO_LONG' ? AUDIT_SEARCH.to : AUDIT_SEARCH.from]: why } });
        return;
      }
      await ack({ response_action: 'update', view: auditSearchingView() });
      const days = day !== undefined ? { on: day } : picked ? { from: from!, to: to! } : {};
      const result = await home.lookUpEnd(admin, { end: reference, ...days });
      await client.views
        .update({ view_id: parsed.data.view.id, view: auditReferenceView({ reference, result, words, byEnd: true, ...(person && { ignoredPerson: person }) }) })
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
