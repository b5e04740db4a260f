import { asFailure, describeError } from './failure';
import type { AskedMembers, Clock, Logger, Requester } from './ports';
import { settledWithin } from '../settled-within';

/**
 * How long what Slack said of a person is reused for what they are offered. users.info is Tier 4
 * (100+ a minute a workspace), and every request's check of who is asking uses it too: a Monday's
 * Home tab opens, each asking, could get real resets throttled. A person made a guest, or a member,
 * is offered what they were for this long at most; what they may do is checked afresh anyway.
 */
export const GUEST_ANSWER_MAX_AGE_MS = 5 * 60_000;
/**
 * How many people's answers are kept, the least recently asked for dropped first: at this bound
 * under 1 MB of heap (0.7–1.0 MB measured over none kept, 11-character user IDs, Node 20).
 */
export const GUEST_ANSWERS_KEPT = 5_000;

interface Answer {
  readonly guest: boolean;
  /** When Slack was asked what it said (ms, the app's clock). */
  readonly at: number;
}

/**
 * Whether Slack says a person is a guest, for what Latchkey offers them (the Home tab's buttons,
 * `/reset`'s): a guest would be refused every request, so none is offered. Never a check of what
 * they may do: identifyRequester asks users.info again on every request, never this. Slack's
 * answer is kept a few minutes (GUEST_ANSWER_MAX_AGE_MS), for a few thousand people at most.
 * Not knowing is not being a guest: when users.info fails or has not answered within `waitMs`,
 * the offer is a member's (logged at warn) and a click is still checked; a late answer is kept.
 */
export class KnownGuests {
  private readonly answers = new Map<string, Answer>();
  private readonly maxAgeMs: number;
  private readonly kept: number;

  constructor(
    private readonly deps: { readonly members: AskedMembers; readonly clock: Clock; readonly logger: Logger; readonly maxAgeMs?: number; readonly kept?: number },
  ) {
    this.maxAgeMs = deps.maxAgeMs ?? GUEST_ANSWER_MAX_AGE_MS;
    this.kept = deps.kept ?? GUEST_ANSWERS_KEPT;
  }

  async isGuest(requester: Requester, waitMs: number): Promise<boolean> {
    const { userId } = requester;
    const known = this.recent(userId);
    if (known !== undefined) return known;
    let late = false;
    const asked = this.deps.members.getMemberAsked(userId).then(
      ({ member, askedAt }) => {
        const guest = member?.isGuest === true;
        this.keep(userId, guest, askedAt);
        // Closes the warning below: Slack was slow, not silent, and from now on the person is offered what it said.
        if (late) this.deps.logger.info({ slackUserId: userId, afterMs: this.deps.clock.now().getTime() - askedAt }, 'guest check: Slack answered late; its answer is kept');
        return { guest };
      },
      (err: unknown) => ({ err }),
    );
    const answer = await settledWithin(asked, waitMs, 'late' as const);
    if (answer === 'late') {
      late = true;
      this.deps.logger.warn({ slackUserId: userId, waitMs }, 'guest check: Slack did not answer in time; offered as to a member');
      return false;
    }
    if ('err' in answer) {
      this.deps.logger.warn({ slackUserId: userId, code: asFailure(answer.err).code, err: describeError(answer.err) }, 'guest check failed; offered as to a member');
      return false;
    }
    return answer.guest;
  }

  /** Slack's answer while younger than its age (a clock gone back makes it unknown), as the most recently used. */
  private recent(userId: string): boolean | undefined {
    const answer = this.answers.get(userId);
    if (!answer) return undefined;
    this.answers.delete(userId);
    const age = this.deps.clock.now().getTime() - answer.at;
    if (age < 0 || age >= this.maxAgeMs) return undefined;
    this.answers.set(userId, answer);
    return answer.guest;
  }

  /**
   * Stamped when Slack was asked, not when it answered: an answer that came late (past `waitMs`), or
   * from an ask another began earlier (SharedAsks), is that much older, and kept no longer for it.
   */
  private keep(userId: string, guest: boolean, askedAt: number): void {
    this.answers.delete(userId);
    this.answers.set(userId, { guest, at: askedAt });
    // A Map iterates in insertion order: the first key is the least recently used.
    while (this.answers.size > this.kept) this.answers.delete(this.answers.keys().next().value as string);
  }
}
