import type { KnownBlock, ModalView } from '@slack/types';
import { SEARCH_MAX_DAYS, type SearchResult } from '../flows/home-tab';
import type { AuditEvent } from '../flows/ports';
import { context, modal, plain, progressView, section, slackDate } from './blocks';
import { failureLabel } from './failure-labels';
import type { HomeWords } from './home-tab';

export const AUDIT_SEARCH = { callbackId: 'audit_search', person: 'person', from: 'from', to: 'to' } as const;
export const AUDIT_SEARCH_PAGE_ACTION_ID = 'audit_search_page';

const TITLE = 'Search the audit log';

/** YYYY-MM-DD, as Slack's date picker reads and writes it. */
export function pickerDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The admin's form: whom, and between which days (by default the last 7). */
export function auditSearchForm(today: Date): ModalView {
  const weekAgo = new Date(today.getTime() - 6 * 86_400_000);
  const picker = (id: string, label: string, initial: Date): KnownBlock => ({
    type: 'input',
    block_id: id,
    label: plain(label),
    element: { type: 'datepicker', action_id: id, initial_date: pickerDate(initial) },
  });
  return modal({
    title: TITLE,
    close: 'Cancel',
    submit: 'Search',
    callbackId: AUDIT_SEARCH.callbackId,
    blocks: [
      { type: 'input', block_id: AUDIT_SEARCH.person, label: plain('Person'), element: { type: 'users_select', action_id: AUDIT_SEARCH.person } },
      picker(AUDIT_SEARCH.from, 'From (UTC day)', weekAgo),
      picker(AUDIT_SEARCH.to, 'To (UTC day, included)', today),
      context('Every record of theirs from this workspace, newest first. Records never hold a PIN or password.'),
    ],
  });
}

export function auditSearchingView(): ModalView {
  return progressView(TITLE, 'Searching the audit log…');
}

/** What a page button carries: the search, and where the next page starts. */
export interface SearchCursor {
  readonly person: string;
  readonly from: string;
  readonly to: string;
  readonly after: string;
}

/** One page of results, newest first, with a button to the next (older) page when there is one. */
export function auditResultsView(args: { person: string; from: string; to: string; result: SearchResult; page: number; words: HomeWords }): ModalView {
  const { person, from, to, result, words } = args;
  const about = section(`Records of <@${person}> from *${from}* to *${to}* (UTC)${args.page > 1 ? `, page ${args.page}` : ''}:`);
  if (!result.ok) {
    const why: Record<typeof result.code, string> = {
      NOT_ADMIN: 'Only Latchkey admins can search the audit log.',
      SLACK_UNAVAILABLE: 'Slack did not answer whether you are an admin. Try again in a few minutes.',
      STORE_UNAVAILABLE: 'The audit log could not be read just now. Try again in a few minutes.',
      REQUEST_INVALID: `Those dates cannot be searched: the first must not be after the last, and the range at most ${SEARCH_MAX_DAYS} days.`,
    };
    return modal({ title: TITLE, close: 'Close', blocks: [section(`:warning: ${why[result.code]}`)] });
  }
  const blocks: KnownBlock[] = [about];
  if (result.events.length === 0) blocks.push(context('No record in that range.'));
  blocks.push(...result.events.map((e) => section(recordLine(e, words))));
  if (result.next) {
    const cursor: SearchCursor = { person, from, to, after: result.next };
    blocks.push({
      type: 'actions',
      block_id: 'page',
      elements: [{ type: 'button', action_id: AUDIT_SEARCH_PAGE_ACTION_ID, text: plain('Older records'), value: JSON.stringify({ ...cursor, page: args.page + 1 }) }],
    });
  }
  return modal({ title: 'Audit log', close: 'Close', blocks });
}

function recordLine(e: AuditEvent, words: HomeWords): string {
  const name = words.actions[e.action]?.name ?? e.action;
  const phase =
    e.phase === 'outcome'
      ? e.outcome === 'success'
        ? e.decision === 'deny'
          ? 'denied'
          : 'succeeded'
        : e.outcome === 'partial'
          ? `done, but these steps failed: ${(e.incomplete ?? []).map((i) => `${i.step} (${failureLabel(i.code)})`).join(', ')}`
          : `failed: ${failureLabel(e.errorCode ?? 'INTERNAL')}`
      : e.phase === 'refused'
        ? `refused: ${failureLabel(e.errorCode ?? 'INTERNAL', { reason: e.reason, words: words.actions[e.action]?.words })}`
        : e.phase === 'attempt'
          ? 'started'
          : 'cancelled';
  const details = [
    e.subject && `for <@${e.subject.userId}>`,
    e.licenseFrom && e.licenseTo && `${e.licenseFrom} → ${e.licenseTo}`,
    e.directoryUserId && `${e.directory ?? 'directory'} user \`${e.directoryUserId}\``,
    e.deliveryFailed && 'not shown to the person (Slack failed)',
  ].filter(Boolean);
  return `${slackDate(new Date(e.at))} · *${name}* ${phase}${details.length > 0 ? ` · ${details.join(' · ')}` : ''}\nReference \`${e.requestId}\``;
}
