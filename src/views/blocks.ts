import type { KnownBlock, ModalView, PlainTextElement } from '@slack/types';
import { shortRequestId } from '../flows/request-id';

/**
 * Slack's limits that a view must respect; the view tests check every view against them. A modal's
 * title and its submit and close buttons (modalButton): 24 characters; a Block Kit button's text: 75.
 */
export const LIMITS = { modalTitle: 24, modalButton: 24, buttonText: 75, sectionText: 3000, privateMetadata: 3000, blocks: 100 } as const;

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function section(mrkdwn: string, blockId?: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn }, ...(blockId && { block_id: blockId }) };
}

export function context(mrkdwn: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn }] };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text) };
}

/** Text a person typed or a directory returned, made safe to put inside mrkdwn. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack renders a date token in the reader's own time zone, and may render it as "Today",
 * "Yesterday", "Tomorrow" or a date, with the UTC fallback for clients that cannot. So the words
 * around a token must fit all of them: slackDate stands alone (at the start of a line, or after
 * "·" or ":"), never after a word; inside a sentence, slackTime reads "1:25 PM on Dec 4, 2026"
 * after "at", "after", "by" or "until", whatever the day.
 */
export function slackDate(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  return `<!date^${epoch}^{date_short_pretty} at {time}|${at.toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
}

/** A moment inside a sentence, after a preposition: "was reset at ${slackTime(at)}". */
export function slackTime(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  const iso = at.toISOString();
  return `<!date^${epoch}^{time} on {date_short}|${iso.slice(11, 16)} UTC on ${iso.slice(0, 10)}>`;
}

/**
 * A reference where a message quotes it to a person: whole, to copy, then its short form and UTC day
 * to read out to IT ("`2026-12-06T11:48:47.213Z_b1463b39c384` (short: *39c384*, 6 Dec UTC)"), which
 * the admins' search finds among the days picked. Anything else is quoted as it is.
 */
export function referenceWords(id: string): string {
  const short = shortRequestId(id);
  return short ? `\`${id}\` (short: *${short.end}*, ${short.day} UTC)` : `\`${id}\``;
}

/** Someone's words inside ours, in curly quotes and made safe for mrkdwn. */
export function quoted(text: string): string {
  return `“${escapeMrkdwn(text.trim())}”`;
}

/**
 * `quoted`, cut short with "…" to at most `max` characters of mrkdwn: escaping can make typed text
 * five times as long (each & is &amp;), and a section over Slack's limit fails its whole view. Cut
 * before escaping, so never inside an entity; empty when not even "“…”" fits.
 */
export function quotedWithin(text: string, max: number): string {
  const whole = quoted(text);
  if (whole.length <= max) return whole;
  const chars = [...text.trim()];
  const cut = (n: number) => `“${escapeMrkdwn(chars.slice(0, n).join('').trimEnd())}…”`;
  if (cut(0).length > max) return '';
  let [fits, over] = [0, chars.length];
  while (over - fits > 1) {
    const mid = (fits + over) >> 1;
    if (cut(mid).length <= max) fits = mid;
    else over = mid;
  }
  return cut(fits);
}

/**
 * Ends a sentence with a full stop, unless it ends with its own (a quoted comment that ends in
 * "." or "?" ends the sentence too): never "…recordings.”.".
 */
export function sentence(text: string): string {
  return /[.!?…][”’"')*_]*$/.test(text) ? text : `${text}.`;
}

export function modal(args: {
  title: string;
  blocks: KnownBlock[];
  close: string;
  submit?: string;
  callbackId?: string;
  privateMetadata?: string;
  /** Slack tells the app (view_closed) when the person closes it with Cancel or ×. */
  notifyOnClose?: boolean;
}): ModalView {
  return {
    type: 'modal',
    title: plain(args.title),
    close: plain(args.close),
    ...(args.submit && { submit: plain(args.submit) }),
    ...(args.callbackId && { callback_id: args.callbackId }),
    ...(args.privateMetadata && { private_metadata: args.privateMetadata }),
    ...(args.notifyOnClose && { notify_on_close: true }),
    blocks: args.blocks,
  };
}

/** A modal that says work is under way; shown while a submission is being carried out. `tell`: Slack tells the app when it is closed (see modal). */
export function progressView(title: string, text: string, tell: Partial<Pick<Parameters<typeof modal>[0], 'close'>> & Pick<Parameters<typeof modal>[0], 'callbackId' | 'privateMetadata' | 'notifyOnClose'> = {}): ModalView {
  return modal({ title, close: 'Close', blocks: [section(`:hourglass_flowing_sand: ${text}`)], ...tell });
}
