import type { KnownBlock, ModalView } from '@slack/types';
import { checkedCount, failedPhrase, markOf, waitingPhrase, type SetupCheck } from '../doctor/setup-check';
import { context, escapeMrkdwn, LIMITS, modal, section } from './blocks';
import type { AdminRefusal } from '../flows/admin-answer';
import { adminRefusedModal } from './admin-refused';

const TITLE = 'Setup check';

/**
 * The Home tab's Setup check for admins: the lines `npm run doctor` prints, ✓, ✗ or ⚠, failures
 * first, then warnings. While the checks run, and when they cannot be shown, a line saying so.
 */
export function setupCheckView(state: readonly SetupCheck[] | 'running' | AdminRefusal | 'unavailable'): ModalView {
  if (state === 'running') return modal({ title: TITLE, close: 'Close', blocks: [section(':hourglass_flowing_sand: Checking Slack, DynamoDB and every directory, read-only…')] });
  if (state === 'NOT_ADMIN' || state === 'ADMIN_IS_GUEST' || state === 'ADMIN_GROUP_UNREADABLE' || state === 'SLACK_MISCONFIGURED' || state === 'SLACK_UNAVAILABLE') return adminRefusedModal(TITLE, state, { may: 'run the setup check', unchanged: 'The setup check did not run.' });
  if (state === 'unavailable') return modal({ title: TITLE, close: 'Close', blocks: [section(':warning: The setup check could not run. Try `npm run doctor` on the server.')] });
  const failing = state.filter((c) => !c.ok);
  const warnings = state.filter((c) => c.ok && c.warning);
  const notChecked = state.filter((c) => c.ok && c.unchecked);
  const counts = checkedCount(state);
  const read = warnings.length === 0 ? '' : ` ${warnings.length} with a warning (⚠): worth a read, nothing fails for it.`;
  const after = counts.waiting === 0 ? '' : ` ${waitingPhrase(state)}.`;
  const unsaid = counts.notChecked === 0 ? '' : ` ${counts.notChecked} could not be checked from here (–): read ${counts.notChecked === 1 ? 'it' : 'them'}.`;
  const summary =
    failing.length === 0
      ? `:white_check_mark: All ${counts.checked} checks passed.${read}${unsaid}`
      : `:x: ${failedPhrase(state)}: each ${failing.some((c) => (c.affects ?? 1) > 1) ? '✗ line ' : ''}says what to do next.${after}${read}${unsaid}`;
  const lines = [...failing, ...warnings, ...notChecked, ...state.filter((c) => c.ok && !c.warning && !c.unchecked)].map((c) => `${markOf(c)} *${escapeMrkdwn(c.name)}*: ${escapeMrkdwn(c.detail)}`);
  const blocks: KnownBlock[] = [section(summary), ...chunks(lines).map((text) => section(text))];
  return modal({ title: TITLE, close: 'Close', blocks: [...blocks.slice(0, LIMITS.blocks - 1), context('Nothing was changed. `npm run doctor` prints the same lines; `--person U…` adds why one person can or cannot reset.')] });
}

/** Lines joined into sections of at most Slack's 3000 characters. */
function chunks(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines.map((l) => (l.length > LIMITS.sectionText ? `${l.slice(0, LIMITS.sectionText - 1)}…` : l))) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= LIMITS.sectionText) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out;
}
