import type { KnownBlock } from '@slack/types';
import type { SlackApi } from './slack-web-api';

/** Posts to the person's DM with the app (scope im:write to open it, chat:write to post). */
export async function sendDirectMessage(
  client: SlackApi,
  userId: string,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  await postDirectMessage(client, userId, message);
}

/** The same, returning where the message is, so it can be rewritten in place. */
export async function postDirectMessage(
  client: SlackApi,
  userId: string,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<{ channel: string; ts: string } | undefined> {
  const posted = await client.chat.postMessage({ channel: await directChannel(client, userId), text: message.text, blocks: message.blocks });
  return posted.channel && posted.ts ? { channel: posted.channel, ts: posted.ts } : undefined;
}

/**
 * An ephemeral message in the person's DM with the app: seen by them alone and gone on reload,
 * for what matters only now (the same scopes).
 */
export async function sendEphemeralDirect(
  client: SlackApi,
  userId: string,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  await client.chat.postEphemeral({ channel: await directChannel(client, userId), user: userId, text: message.text, blocks: message.blocks });
}

async function directChannel(client: SlackApi, userId: string): Promise<string> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  return channel;
}
