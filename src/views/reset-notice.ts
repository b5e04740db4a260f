import type { KnownBlock } from '@slack/types';
import type { ResetDone, ShownElsewhere } from '../flows/reset-credential';
import { context, referenceWords, section, slackTime } from './blocks';
import type { Secret } from '../flows/secret';
import { secretBlocks, secretWhereabouts, unlockedSentence } from './reset-modal';
import { capitalized, changeOf, type ResetWords } from './words';

/**
 * The direct message that records a reset for its owner. It never holds the secret:
 * it is a receipt the owner can find later, and an alarm if it was not them. `approved`: the
 * finish of a request an admin approved (the `approval` policy), where running the command again
 * asks anew, and an admin must approve it again (as the Finish message says), never gets a new one.
 */
export function resetNotice(
  done: Pick<ResetDone, 'at' | 'requestId' | 'secretShown' | 'secretShownAside' | 'incomplete' | 'unlocked'>,
  words: ResetWords,
  { approved = false }: { readonly approved?: boolean } = {},
): { text: string; blocks: KnownBlock[] } {
  const what = words.receipt;
  const unlocked = done.unlocked ? ` ${unlockedSentence(words)}` : '';
  const change = changeOf(words);
  const verb = change.done;
  const askAgain = `run \`${words.command}\` to ask again; an admin must approve it again.`;
  const reset =
    done.secretShown === false
      ? `Your ${what} was ${verb} at ${slackTime(done.at)}, but Latchkey could not show you the new one.${unlocked} ` +
        `${approved ? capitalized(askAgain) : `Run \`${words.command}\` again to get a new one.`} If this wasn't you, contact IT.`
      : done.secretShownAside
        ? // An ephemeral message is gone on reload and may not reach another device: what to do if it was missed.
          `Your ${what} was ${verb} at ${slackTime(done.at)}, but ${done.secretShownAside === 'closed' ? 'its Latchkey window was closed before the new one could be shown there' : 'the new one could not be shown in its Latchkey window'}, ` +
          `so Latchkey showed you the new one in a message here, once, visible only to you.${unlocked} ` +
          `If you missed it, ${approved ? askAgain : `run \`${words.command}\` again to get a new one.`} If this wasn't you, contact IT.`
        : `Your ${what} was ${verb} at ${slackTime(done.at)}.${unlocked} If this wasn't you, contact IT.`;
  const text = done.incomplete?.length ? `${reset} A step after the reset did not finish; an admin has been alerted.` : reset;
  // Said as a condition, never as what to do now (after "If this wasn't you, contact IT." a bare "Run …
  // to reset it again." read as an instruction), in the credential's own verb ("unlocked").
  // Not when the text above already says to run it again (the new secret could not be shown, or was
  // shown in a message here that may have been missed): once is enough.
  // A change with a secret names it too: a window closed in the moment its answer was already on its
  // way loses that answer unsaid (Slack drops it), so this receipt is the one word left that the
  // secret may never have been seen, and what to do then.
  const run = `run \`${words.command}\``;
  const again =
    done.secretShown === false || done.secretShownAside
      ? ''
      : words.newSecret
        ? `If you did not see your ${words.newSecret} (or need it ${verb} again), ${approved ? askAgain : `${run} again.`} `
        : `If you need it ${verb} again, ${run}${approved ? ' to ask; an admin must approve it again' : ''}. `;
  return { text, blocks: [section(`:key: ${text}`), context(`${again}Reference: ${referenceWords(done.requestId)}`)] };
}

/**
 * The direct message after a push was rejected on the owner's phone: whoever asked may not have
 * been them (a stolen Slack session), or it was them and they mis-tapped (`mistake`, the verifier's
 * words). Never holds a secret: none was made.
 */
export function pushRejectedNotice(rejected: { at: Date; requestId: string; app: string; mistake?: string }, words: ResetWords): { text: string; blocks: KnownBlock[] } {
  const text =
    `Someone using your Slack account asked Latchkey to ${changeOf(words).verb} your ${words.receipt} at ${slackTime(rejected.at)}, ` +
    `and the ${rejected.app} request on your phone was rejected, so nothing was changed. ` +
    `If you ${rejected.mistake ?? 'rejected it'} by mistake, run \`${words.command}\` again. ` +
    `If you did not ask for this, contact IT now: someone else may be signed in to Slack as you.`;
  return { text, blocks: [section(`:warning: ${text}`), context(`Reference: ${referenceWords(rejected.requestId)}`)] };
}

/**
 * The ephemeral message after the person closed the modal waiting for their push, when Latchkey
 * could not record the close: the push is still live, and approving it by habit would change the
 * credential with nobody there to see the new one. Ignored, it lapses and nothing changes.
 */
export function pushNotCancelledNotice(app: string, words: ResetWords): { text: string; blocks: KnownBlock[] } {
  const text =
    `Latchkey could not cancel the ${app} request for your ${words.receipt}. Do not approve it on your phone: ` +
    `left alone, it expires by itself and nothing changes.`;
  return { text, blocks: [section(`:warning: ${text}`), context(`Run \`${words.command}\` again if you still want to ${changeOf(words).verb} it.`)] };
}

/**
 * What a change with no secret did (an unlock, factors removed), when the modal that should have
 * said so could not (Slack refused the update, and a "working…" answer may stand there instead): an
 * ephemeral message to the requester alone, in the credential's words, saying why it is there.
 */
export function doneMessage(words: ResetWords, done: Pick<ResetDone, 'requestId' | 'unlocked' | 'secretShownAside'>): { text: string; blocks: KnownBlock[] } {
  const why =
    done.secretShownAside === 'closed'
      ? `Your Latchkey window was closed before what came of your ${words.request} could be shown there, so here it is:`
      : `What came of your ${words.request} could not be shown in your Latchkey window, so here it is:`;
  const text = `${why} ${words.secretLead}${done.unlocked ? ` ${unlockedSentence(words)}` : ''} ${words.howToUse}`;
  return { text, blocks: [section(`:white_check_mark: ${text}`), context(`Reference: ${referenceWords(done.requestId)}`)] };
}

/**
 * The new secret, when the modal that should have shown it could not (closed while the reset ran,
 * or Slack failing to update it): an ephemeral message to the requester alone (never a post),
 * saying why it is there, in words that say "closed" only when it is known to be, and that it is
 * shown once. Its text, the fallback Slack may show where the blocks are not, never holds the secret.
 */
export function resultMessage(secret: Secret, words: ResetWords, done: Pick<ResetDone, 'requestId' | 'unlocked' | 'secretShownAside'>): { text: string; blocks: KnownBlock[] } {
  const why =
    done.secretShownAside === 'closed'
      ? `Your Latchkey window was closed before your new ${words.receipt} could be shown there, so here it is.`
      : `Your new ${words.receipt} could not be shown in your Latchkey window, so here it is.`;
  return {
    text: `${why} It is shown once, only to you, in this message.`,
    blocks: [
      section(`:key: ${why}${done.unlocked ? ` ${unlockedSentence(words)}` : ''}`),
      ...secretBlocks(secret, words),
      context(':lock: Shown once, only to you. Latchkey does not store it and cannot show it again; this message disappears when Slack reloads.'),
      context(`Reference: ${referenceWords(done.requestId)}`),
    ],
  };
}

/**
 * Where a new secret went, when a window that was not to show it again (another click of its
 * request showed it there already) could not say so either (Slack refused the update, and a
 * "working…" answer may stand there instead): an ephemeral message to the requester alone, in the
 * words that window would have had. Never the secret.
 */
export function whereaboutsMessage(where: ShownElsewhere, words: ResetWords): { text: string; blocks: KnownBlock[] } {
  const said = secretWhereabouts(where, words, 'your Latchkey window');
  return { text: said.text, blocks: [section(`${said.icon} ${said.text}`), context(`Reference: ${referenceWords(where.requestId)}`)] };
}
