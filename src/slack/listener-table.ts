import type { AllMiddlewareArgs, Middleware } from '@slack/bolt';

type Listener<Args> = Middleware<Args>;

/**
 * Listeners of one kind (slash commands, say) by their exact ID, behind one Bolt listener.
 *
 * Bolt runs every event through every listener it has: each is a chain of middleware (is this a
 * command? is it this command?) with its own promises, so the cost of routing one event grows with
 * the number of listeners, whichever one it is for. Every credential adds three (its command, its
 * Home button, its "instead" button) and there are eight of them: 40 chains, about 0.3 ms of CPU
 * per event, where one listener per kind costs 0.04 ms (docs/performance.md, issue 28). Here an
 * event finds its listener in a map, and Bolt still does what it does for one listener: its own
 * checks of the kind, the arguments it builds, and its error handling.
 */
export class ListenerTable<Args> {
  private readonly byId = new Map<string, Listener<Args>>();

  constructor(
    /** What the table holds, for the message when an ID is taken twice. */
    private readonly kind: string,
    /** The ID an event of this kind is for, read from Bolt's arguments. */
    private readonly idOf: (args: Args) => string | undefined,
  ) {}

  /** Adds a listener; true for the first one, when the caller registers `dispatch` with Bolt. */
  add(id: string, listener: Listener<Args>): boolean {
    if (this.byId.has(id)) throw new Error(`two listeners for the ${this.kind} ${id}: each ID has one`);
    this.byId.set(id, listener);
    return this.byId.size === 1;
  }

  readonly dispatch = async (args: Args & AllMiddlewareArgs): Promise<void> => {
    const id = this.idOf(args);
    const listener = id === undefined ? undefined : this.byId.get(id);
    if (listener) await listener(args);
  };
}
