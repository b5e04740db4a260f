import type { KnownBlock } from '@slack/types';
import type { SlackApi } from './slack-web-api';

/** Posts to the person's DM with the app (scope im:write to open it, chat:write to post). */
export async function sendDirectMessage(
  client: SlackApi,
  userId: string,
  message: { text: string; blocks?: KnownBlock[] },
): Promise<void> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
}
