import type { Logger } from '../flows/ports';

/**
 * A modal submission's HTTP answer can itself replace the modal (`response_action: update`). When
 * the work behind it is quick, answering with its result saves the person a round trip to Slack
 * (views.update) and shows no "working…" screen for a moment. Slack waits 3 s for the answer; we
 * hold it for at most ANSWER_HOLD_MS from the request's arrival, then answer with the interim view
 * and show the result with views.update as before.
 *
 * Only a receiver that keeps working after the answer may hold it: the long-running server and
 * Socket Mode stamp each request with ANSWER_BY. The Lambda receiver does not (its answer
 * invocation stops at the answer), so there the interim view is sent at once.
 */
export const ANSWER_BY = 'latchkeyAnswerBy';
export const ANSWER_HOLD_MS = 1_500;

/** The deadline a request was stamped with, if its receiver allows holding the answer. */
export function answerByOf(context: Record<string, unknown>): number | undefined {
  const by = context[ANSWER_BY];
  return typeof by === 'number' ? by : undefined;
}

export class HeldAnswer<View> {
  private answered: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly ack: (view: View) => Promise<void>) {}

  /** Holds the answer until `answerBy`, or sends the interim view at once when there is none. */
  static async start<View>(ack: (view: View) => Promise<void>, answerBy: number | undefined, interim: View, logger: Logger): Promise<HeldAnswer<View>> {
    const held = new HeldAnswer(ack);
    if (answerBy === undefined) {
      await held.send(interim);
    } else {
      held.timer = setTimeout(() => {
        held.send(interim).catch((err: unknown) => logger.warn({ err: String(err) }, 'could not answer the submission'));
      }, Math.max(0, answerBy - Date.now()));
    }
    return held;
  }

  /**
   * Answers with the result if the answer is still held and returns true (a failed answer throws,
   * so the caller counts the result as not shown); otherwise returns false once the interim
   * answer is out, so that a views.update sent next cannot overtake it.
   */
  async settle(view: View): Promise<boolean> {
    if (this.answered) {
      await this.answered.catch(() => undefined);
      return false;
    }
    await this.send(view);
    return true;
  }

  private send(view: View): Promise<void> {
    clearTimeout(this.timer);
    this.answered ??= this.ack(view);
    return this.answered;
  }
}
