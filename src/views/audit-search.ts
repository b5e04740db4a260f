import type { KnownBlock, ModalView } from '@slack/types';
import { EVERYONE_MAX_DAYS, SEARCH_MAX_DAYS, SEARCH_PAGE, type Activity, type ClosedUnclicked, type SearchResult, type ShortFormDays } from '../flows/home-tab';
import { context, LIMITS, modal, plain, progressView, quotedWithin, section, slackDate } from './blocks';
import { failureLabel } from './failure-labels';
import type { AdminRefusal } from '../flows/admin-answer';
import type { FailureCode } from '../flows/failure';
import { adminCheckingModal, adminRefusedModal, adminRefusedText, type AdminAction } from './admin-refused';
import { activityState, followUpsFailed, handledLine, lostFollowUps, recordOf, revokeFollowedUp, type HomeWords } from './home-tab';

export const AUDIT_SEARCH = { callbackId: 'audit_search', reference: 'reference', person: 'person', from: 'from', to: 'to' } as const;
export const AUDIT_SEARCH_PAGE_ACTION_ID = 'audit_search_page';
/** The results' "New search": back to the form, with a person's search filled in (a reference's, blank). */
export const AUDIT_SEARCH_AGAIN_CALLBACK_ID = 'audit_search_again';

const TITLE = 'Search the audit log';
/** What a reference looks like, as every message quotes one. */
export const REFERENCE_EXAMPLE = '2026-12-05T07:55:16.690Z_40de154facda';

/** YYYY-MM-DD, as Slack's date picker reads and writes it. */
function pickerDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** What was searched: kept in the results, for their pages and "New search". */
interface SearchTerms {
  /** Absent: everyone. */
  readonly person?: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The admin's form: a request's reference, or whom and between which days (by default the last 7, or
 * the person's search before). The reference is never filled in: it is searched whenever it is given,
 * so a form reopened with it would find the same request again whoever is picked.
 */
export function auditSearchForm(today: Date, before?: Partial<SearchTerms>): ModalView {
  const weekAgo = new Date(today.getTime() - 6 * 86_400_000);
  const picker = (id: string, label: string, initial: string): KnownBlock => ({
    type: 'input',
    block_id: id,
    label: plain(label),
    element: { type: 'datepicker', action_id: id, initial_date: initial },
  });
  return modal({
    title: TITLE,
    close: 'Cancel',
    submit: 'Search',
    callbackId: AUDIT_SEARCH.callbackId,
    blocks: [
      {
        type: 'input',
        block_id: AUDIT_SEARCH.reference,
        optional: true,
        label: plain('Reference'),
        hint: plain(
          `Paste a reference from a message, or its 6-character short form (${REFERENCE_EXAMPLE.slice(-6)}). Add its day (${REFERENCE_EXAMPLE.slice(-6)}, 5 Dec UTC) to search that day; otherwise the days below are searched (at most ${EVERYONE_MAX_DAYS}). Leave it empty to search by person, or everyone.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: AUDIT_SEARCH.reference,
          max_length: 100,
          placeholder: plain(REFERENCE_EXAMPLE),
        },
      },
      {
        type: 'input',
        block_id: AUDIT_SEARCH.person,
        optional: true,
        label: plain('Person'),
        hint: plain(`Leave it empty for everyone's records, over at most ${EVERYONE_MAX_DAYS} days.`),
        element: { type: 'users_select', action_id: AUDIT_SEARCH.person, ...(before?.person && { initial_user: before.person }) },
      },
      picker(AUDIT_SEARCH.from, 'From (UTC day)', before?.from ?? pickerDate(weekAgo)),
      picker(AUDIT_SEARCH.to, 'To (UTC day, included)', before?.to ?? pickerDate(today)),
      context(
        "Everything they (or everyone) did with Latchkey in this workspace, newest first by when each request was asked: one asked earlier and finished later is below newer ones. Each person's part is a line of its own: a request, an admin's decision on it, the change made once it was approved. Records never hold a PIN or password.",
      ),
    ],
  });
}

const SEARCH: AdminAction = { may: 'search the audit log', unchanged: 'Nothing was searched.' };

/** In place of the form for someone who may not search (not an admin, a guest named one, the admin group unreadable, or Slack not saying): why, nothing to submit. */
export function auditSearchRefused(code: AdminRefusal): ModalView {
  return adminRefusedModal(TITLE, code, SEARCH);
}

/** The search's modal, opened at the click, while whether the clicker may search is asked. */
export function auditSearchCheckingView(): ModalView {
  return adminCheckingModal(TITLE);
}

export function auditSearchingView(): ModalView {
  return progressView(TITLE, 'Searching the audit log…');
}

/** What a page button carries: the search, and where the page starts (none: the first page). */
interface SearchCursor extends SearchTerms {
  readonly after?: string;
  readonly page: number;
}

/** One page of results, newest request first (by its reference: when it was asked), a line for each person's part in it, with buttons to the next (older) page and back to the first. */
export function auditResultsView(args: SearchTerms & { result: SearchResult; page: number; words: HomeWords }): ModalView {
  const { person, from, to, result, words } = args;
  const terms: SearchTerms = { ...(person && { person }), from, to };
  const again = { submit: 'New search', callbackId: AUDIT_SEARCH_AGAIN_CALLBACK_ID, privateMetadata: JSON.stringify(terms) };
  // A later page's button carries where it starts: one this search did not make is out of date.
  const invalid =
    args.page > 1
      ? PAGE_OUT_OF_DATE
      : `Those dates cannot be searched: the first must not be after the last, and the range at most ${person ? SEARCH_MAX_DAYS : EVERYONE_MAX_DAYS} days${person ? '' : ' for everyone'}.`;
  if (!result.ok) return searchFailed(result.code, again, invalid);
  const blocks: KnownBlock[] = [section(`What ${person ? `<@${person}>` : 'everyone'} did from *${from}* to *${to}* (UTC days)${args.page > 1 ? `, page ${args.page}` : ''}:`)];
  // A page ends once it has read as many records as a page reads, shown or not: none of them may be of the range.
  if (result.rows.length === 0 && !result.closed)
    blocks.push(context(result.next ? 'Nothing in that range among the records this page read. *Older records* reads on.' : args.page > 1 ? 'Nothing more in that range.' : 'Nothing in that range.'));
  blocks.push(...result.rows.map((row) => section(rowLine(row, words))));
  blocks.push(...(result.closed ?? []).map((closed) => section(closedLine(closed, words))));
  const button = (text: string, cursor: SearchCursor) => ({ type: 'button' as const, action_id: AUDIT_SEARCH_PAGE_ACTION_ID, text: plain(text), value: JSON.stringify(cursor) });
  const pages = [
    ...(result.next ? [button('Older records', { ...terms, after: result.next, page: args.page + 1 })] : []),
    ...(args.page > 1 ? [button('First page', { ...terms, page: 1 })] : []),
  ];
  if (pages.length > 0) blocks.push({ type: 'actions', block_id: 'page', elements: pages });
  return modal({ title: 'Audit log', close: 'Close', ...again, blocks });
}

const PAGE_OUT_OF_DATE = 'This page of results is out of date: run the search again.';

/** A page button whose value is no search's page (made by hand, or by a version that made them otherwise): "New search", blank. */
export function auditPageOutOfDateView(): ModalView {
  return searchFailed('REQUEST_INVALID', { submit: 'New search', callbackId: AUDIT_SEARCH_AGAIN_CALLBACK_ID, privateMetadata: '{}' }, PAGE_OUT_OF_DATE);
}

/** A search that could not be made, and why; "New search" unless the person is not an admin. */
function searchFailed(code: Extract<SearchResult, { ok: false }>['code'], again: object, invalid: string): ModalView {
  const why: Record<typeof code, string> = {
    NOT_ADMIN: adminRefusedText('NOT_ADMIN', SEARCH),
    ADMIN_IS_GUEST: adminRefusedText('ADMIN_IS_GUEST', SEARCH),
    SLACK_UNAVAILABLE: adminRefusedText('SLACK_UNAVAILABLE', SEARCH),
    SLACK_MISCONFIGURED: adminRefusedText('SLACK_MISCONFIGURED', SEARCH),
    ADMIN_GROUP_UNREADABLE: adminRefusedText('ADMIN_GROUP_UNREADABLE', SEARCH),
    STORE_UNAVAILABLE: 'The audit log could not be read just now. Try again in a few minutes.',
    REQUEST_INVALID: invalid,
  };
  // Refused for who they are, or for a setup that needs fixing first: nothing to search again yet.
  const refused = code === 'NOT_ADMIN' || code === 'ADMIN_IS_GUEST' || code === 'ADMIN_GROUP_UNREADABLE';
  return modal({ title: TITLE, close: 'Close', ...(!refused && again), blocks: [section(`:warning: ${why[code]}`)] });
}

/**
 * Every record of one request, found by its reference: one line per person's part in it, newest
 * first. `ignoredPerson`: a person picked too, who was not searched (the reference was), said so.
 */
export function auditReferenceView(args: {
  reference: string;
  result: SearchResult;
  words: HomeWords;
  ignoredPerson?: string;
  /** A short reference (a reference's end), looked for on the days its result gives; absent: a whole reference. */
  byEnd?: boolean;
}): ModalView {
  const { reference, result, words, byEnd } = args;
  // "New search" opens a blank form (auditSearchForm never fills a reference in).
  const again = { submit: 'New search', callbackId: AUDIT_SEARCH_AGAIN_CALLBACK_ID, privateMetadata: '{}' };
  if (!result.ok)
    return searchFailed(
      result.code,
      again,
      byEnd
        ? `That cannot be searched: give a reference's last 6 to 12 characters (0-9, a-f), with the day its message gives (such as 5 Dec) or at most ${EVERYONE_MAX_DAYS} days, the first not after the last.`
        : `That is not a whole reference, such as \`${REFERENCE_EXAMPLE}\`.`,
    );
  const days = byEnd ? result.days : undefined;
  const blocks: KnownBlock[] = [section(days ? `The requests whose reference ends with \`${reference}\`, ${daysRead(days)}:` : `The records of reference \`${reference}\`:`)];
  if (args.ignoredPerson)
    blocks.push(
      context(`Searched by reference only: <@${args.ignoredPerson}>${days ? ' was' : ' and the days picked were'} not searched. To search by person, leave the reference empty.`),
    );
  if (result.rows.length === 0) blocks.push(context(days ? noneOnDays(days) : "None: no record has this reference. Records are kept for the audit log's retention, then removed."));
  else if (days && result.beyond)
    blocks.push(context(`More than ${SEARCH_PAGE} requests end so: only the newest ${SEARCH_PAGE} are shown. Give more of the reference (up to 12 characters), or paste it whole.`));
  else if (days && new Set(result.rows.map((r) => r.requestId)).size > 1)
    blocks.push(context('More than one request ends so: each line gives its whole reference. Ask which is theirs by its time and what it was.'));
  blocks.push(...result.rows.map((row) => section(rowLine(row, words))));
  return modal({ title: 'Audit log', close: 'Close', ...again, blocks });
}

/** Which UTC days a short reference was looked for on, and why those. */
function daysRead(days: ShortFormDays): string {
  if (days.chosen === 'pasted') return `on *${days.from}*, the UTC day given with it (and the day after, for clicks past midnight)`;
  const range = `from *${days.from}* to *${days.to}*`;
  return days.chosen === 'recent' ? `${range}, the last ${EVERYONE_MAX_DAYS} UTC days (no days were picked)` : `${range} (UTC days)`;
}

/** A short reference found on none of the days read: what to try next, by how those days were chosen. */
function noneOnDays(days: ShortFormDays): string {
  const whole = 'or paste the whole reference';
  if (days.chosen === 'pasted') return `None: no record of that day or the day after (read too, for clicks past midnight) has a reference ending so. Check the short form and its day with the person, ${whole}.`;
  if (days.chosen === 'recent')
    return `None: no record of the last ${EVERYONE_MAX_DAYS} days has a reference ending so. Ask the person for the day their message gives with it (such as "6 Dec UTC") and pick that day, ${whole}.`;
  return `None: no record of those days has a reference ending so. Check the day the message gave with its short reference (such as "6 Dec UTC") and pick days around it, ${whole}.`;
}

/** The most references a line of closed confirmations lists (a section holds 3000 characters). */
const CLOSED_REFERENCES_SHOWN = 20;

/** A person's confirmations closed without a click, on this page: how many, of what, and each reference (up to a bound). */
function closedLine(closed: ClosedUnclicked, words: HomeWords): string {
  const count = closed.references.length;
  const what = closed.actions.map((a) => `${words.actions[a.action]?.name ?? a.action} ×${a.count}`).join(', ');
  const shown = closed.references.slice(0, CLOSED_REFERENCES_SHOWN).map((r) => `\`${r}\``);
  const more = count > shown.length ? ` and ${count - shown.length} more` : '';
  return (
    `:leftwards_arrow_with_hook: <@${closed.actor.userId}> also opened ${count} confirmation${count === 1 ? '' : 's'} and closed ${count === 1 ? 'it' : 'them'} without a click, so nothing was changed: ${what}\n` +
    `Reference${count === 1 ? '' : 's'} ${shown.join(', ')}${more}`
  );
}

/** A request sent whose end nothing read says (Activity.endUnknown): never "Sent to the admins" alone, as though it still waited. */
const END_UNKNOWN: Record<NonNullable<Activity['endUnknown']>, string> = {
  not_kept:
    ':grey_question: Sent to the admins. No decision or withdrawal of it is on record in the week after, and where it stands is no longer kept: it may have expired, or been decided later.',
  unread: ':grey_question: Sent to the admins; where it stands could not be read just now. Search again in a few minutes.',
};

/** A revoke tried that is not on record as made: one whose write went unanswered may have been made, and never "changed nothing". */
function revokeTried(tried: NonNullable<Activity['revokeFailed']>): string {
  const when = slackDate(new Date(tried.at));
  return tried.code === 'STORE_OUTCOME_UNKNOWN'
    ? `Revoke tried ${when}; whether it took could not be told: ${failureLabel(tried.code)}`
    : `Revoke tried ${when}, changed nothing: ${failureLabel(tried.code)}`;
}

/** How the person ended a push (what they did, or did not do, on their phone): nothing the directory's account explains. */
const PERSON_ENDED_PUSH: ReadonlySet<string> = new Set<FailureCode>(['VERIFY_REJECTED', 'VERIFY_TIMEOUT', 'VERIFY_CANCELLED']);

/**
 * How a push the person ended on their phone reads: on record as failed (outcome failure: nothing
 * was changed), but nothing failed, and Today counts it apart. A rejection may be someone else's try
 * that the person refused: said as one, as their own Home tab says it, never ":x: Failed"; so too a
 * push they did not answer before it was withdrawn.
 */
const PUSH_ENDED: Partial<Record<string, string>> = { VERIFY_REJECTED: ':no_entry: Rejected', VERIFY_TIMEOUT: ':zzz: Not answered in time' };

/** Its state, with the record's label and the app where this deployment still lists its verifier, as Needs attention names it. */
function pushEnded(row: Activity, words: HomeWords): string | undefined {
  const code = row.state === 'failed' ? row.errorCode : undefined;
  const state = code && PUSH_ENDED[code];
  if (!code || !state) return undefined;
  const app = row.verifier ? words.verifiers[row.verifier] : undefined;
  return `${state}: ${failureLabel(code)}${app ? ` in ${app}` : ''}; nothing was changed`;
}

/**
 * What proof a change's policy asked for (its record's `policy`), for a reviewer reading "done" to
 * see what allowed it; a policy a newer version wrote is named as written.
 */
function policyLine(row: Activity, words: HomeWords): string | undefined {
  if (!row.policy) return undefined;
  const app = row.verifier ? words.verifiers[row.verifier] : undefined;
  const proof: Partial<Record<string, string>> = {
    'self-service': 'the signed Slack request alone',
    verify: `a push to ${app ?? 'the phone'}`,
    approval: "an admin's approval first",
  };
  const what = proof[row.policy];
  return `Policy \`${row.policy}\`${what ? `: ${what}` : ''}`;
}

/** A sent push as the verifier's own log knows it (its factor and transaction), to find it there. */
function pushIds(row: Activity, words: HomeWords): string | undefined {
  if (!row.verifierFactorId && !row.verifierTransactionId) return undefined;
  const app = (row.verifier && words.verifiers[row.verifier]) ?? row.verifier ?? 'verifier';
  const ids = [row.verifierFactorId && `factor \`${row.verifierFactorId}\``, row.verifierTransactionId && `transaction \`${row.verifierTransactionId}\``].filter(Boolean);
  return `${app} ${ids.join(', ')}`;
}

/** One request: when, what, who, how it ended; the directory account only where an operator needs it. */
function rowLine(row: Activity, words: HomeWords): string {
  if (row.handled) return handledLine(row, row.handled);
  const { name, what, subject } = recordOf(row, words);
  // A person asking for themselves is named once: "by <@ANN>", not "by <@ANN> for <@ANN>".
  const about = row.subject && row.subject.userId !== row.actor.userId ? ` for <@${row.subject.userId}>` : '';
  const verifierReasons = row.verifier ? words.verifierReasons?.[row.verifier] : undefined;
  const why = row.errorCode ? ` ${failureLabel(row.errorCode, { reason: row.reason, words: subject, ...(verifierReasons && { verifierReasons }) })}.` : '';
  const lost = lostFollowUps(row);
  const pushed = pushEnded(row, words);
  const state = lost
    ? lost.state
    : pushed
      ? pushed
      : row.state === 'failed' || row.state === 'refused'
        ? `${row.state === 'failed' ? ':x: Failed:' : ':no_entry_sign: Refused:'}${why.slice(0, -1)}`
        : row.state === 'partial'
          ? `:white_check_mark: Done, but these steps failed: ${(row.incomplete ?? []).map((i) => `${i.step} (${failureLabel(i.code)})`).join(', ')}`
          : row.endUnknown
            ? END_UNKNOWN[row.endUnknown]
            : activityState(row, why, words.actions[row.action]?.approved?.(false), { applied: words.actions[row.action]?.applied, ...(subject && { directory: subject.directory }) });
  const operator = (row.state !== 'succeeded' && row.state !== 'cancelled' && row.state !== 'refused') || row.deliveryFailed || row.applied === 'failed';
  // A push the person rejected, left unanswered or cancelled stopped the request before any change
  // reached the directory: its internal user ID would tell the reader nothing they can act on. A
  // verifier that failed on its own (misconfigured, no factor, unavailable) keeps it: the operator
  // checks that account's factor, or the settings, with it.
  const beforeTheChange = row.errorCode !== undefined && PERSON_ENDED_PUSH.has(row.errorCode);
  const details = [
    `Reference \`${row.requestId}\``,
    policyLine(row, words),
    pushIds(row, words),
    // Who decided it, on a line of someone else's (its requester's, a revoke's): the line of that
    // admin's own decision names them already ("by <@ADA>"), and its state says what they decided.
    row.decidedBy &&
      row.decidedBy.userId !== row.actor.userId &&
      `${row.decidedBy.decision === 'deny' ? 'Denied' : 'Approved'} by <@${row.decidedBy.userId}> ${slackDate(new Date(row.decidedBy.at))}`,
    operator && !beforeTheChange && row.directoryUserId && `${subject?.directory ?? row.directory ?? 'directory'} user \`${row.directoryUserId}\``,
    row.deliveryFailed && 'not shown to the person (Slack failed)',
    // A revoke that lost (to its requester's finish, say) is no step of the approval's, but a reviewer sees it was tried.
    row.revokeFailed && revokeTried(row.revokeFailed),
    row.followUpsFailed && followUpsFailed(row, row.followUpsFailed),
    revokeFollowedUp(row),
  ].filter(Boolean);
  const head = `${slackDate(new Date(row.at))} · *${name}*${what} by <@${row.actor.userId}>${about} · ${state}`;
  const rest = details.join(' · ');
  // What the admin wrote to its requester (a denial's reason), quoted as a handled note is: typed
  // text, escaped, and cut to what the line has room for: an admin's 500 & must not fail the page.
  const quote = row.decision && row.comment ? quotedWithin(row.comment.replace(/\n/g, ' '), LIMITS.sectionText - head.length - rest.length - '\n>\n'.length) : '';
  return `${head}\n${quote ? `>${quote}\n` : ''}${rest}`;
}
