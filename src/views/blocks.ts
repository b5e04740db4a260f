import type { KnownBlock, ModalView, PlainTextElement } from '@slack/types';

/** Slack's limits that a modal must respect; the view tests check every view against them. */
export const LIMITS = { modalTitle: 24, buttonText: 24, sectionText: 3000, privateMetadata: 3000, blocks: 100 } as const;

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

/** Slack renders this in the reader's own time zone; the fallback is UTC. */
export function slackDate(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  return `<!date^${epoch}^{date_short_pretty} at {time}|${at.toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
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

/** A modal that says work is under way; shown while a submission is being carried out. */
export function progressView(title: string, text: string): ModalView {
  return modal({ title, close: 'Close', blocks: [section(`:hourglass_flowing_sand: ${text}`)] });
}
