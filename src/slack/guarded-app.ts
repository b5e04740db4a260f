import type {
  ActionConstraints,
  AppOptions,
  Middleware,
  ReceiverEvent,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
  ViewConstraints,
} from '@slack/bolt';
import type { StringIndexed } from '@slack/bolt/dist/types/utilities';
import type { Logger, Metrics } from '../flows/ports';
import type { HttpFetch } from '../http/fetch';
import { AckFirst } from './ack-first';
import { OPENED_MODAL, openLoadingModal, triggerArrival, triggerNow, type ArrivalModal } from './arrival-modal';
import { App } from './bolt';
import { slackEnvelope, type KnownEntryPoints } from './envelope';
import { ListenerTable } from './listener-table';
import type { SlackApi } from './slack-web-api';

/** Thrown for a signed request whose shape Latchkey does not handle; answered with 400. */
export class UnexpectedPayloadError extends Error {
  override readonly name = 'UnexpectedPayloadError';
}

/** Matches every ID: the one Bolt listener of a kind, whose table then picks by exact ID. */
const ANY = /^/;

/**
 * A listener as its table holds it. Bolt's types let a listener declare a narrower action, view or
 * event and a custom context; the table hands each listener exactly the events Bolt would have
 * (its ID), so only the declared types differ.
 */
function plain<Args>(listener: Middleware<Args, any>): Middleware<any> {
  return listener as Middleware<any>;
}

/**
 * A Bolt App that checks the outer shape of every verified request before Bolt routes it.
 * Bolt alone leaves an unknown payload unacknowledged until its 3 s timer answers 404, and
 * answers 500 when something throws before ack(): both look like an outage to Slack and to
 * monitoring. Here they become a quick 400 and a log line.
 *
 * And in a burst, acknowledgements go first. A slash command whose acknowledgement is known
 * before it is routed (see acknowledgeOnArrival) is acknowledged as soon as it is read: Bolt's
 * routing and the listener's first steps cost about as much again as reading and verifying the
 * request, and 200 commands at once pay for all of them before the last is acknowledged. The work
 * after each acknowledgement waits its turn behind the requests still arriving (ack-first.ts),
 * and the command's loading modal, when it has one, is opened ahead of all of that work
 * (arrival-modal.ts): Slack's second 3-second clock, the trigger_id's, is kept as well as the first.
 */
export class GuardedApp extends App {
  private readonly envelope: ReturnType<typeof slackEnvelope>;
  private readonly ackFirst = new AckFirst();
  private readonly onArrival = new Map<string, OnArrival>();
  private working = 0;
  /** Listeners by exact ID, one Bolt listener per kind (listener-table.ts). */
  private readonly routes = {
    command: new ListenerTable<SlackCommandMiddlewareArgs>('command', (a) => a.command.command),
    action: new ListenerTable<SlackActionMiddlewareArgs>('action', (a) => ('action_id' in a.action ? a.action.action_id : undefined)),
    view_submission: new ListenerTable<SlackViewMiddlewareArgs>('view submission', (a) => a.view.callback_id),
    view_closed: new ListenerTable<SlackViewMiddlewareArgs>('view closing', (a) => a.view.callback_id),
    event: new ListenerTable<SlackEventMiddlewareArgs>('event', (a) => a.event.type),
  };

  constructor(
    options: AppOptions,
    known: KnownEntryPoints,
    private readonly outside: { fetch: HttpFetch; logger: Logger; metrics: Metrics; slack: SlackApi },
  ) {
    super(options);
    this.envelope = slackEnvelope(known);
  }

  // A listener for one exact ID goes into its kind's table; anything else (a pattern, a chain of
  // middleware) is Bolt's as usual.
  override command<C extends StringIndexed = StringIndexed>(commandName: string | RegExp, ...listeners: Middleware<SlackCommandMiddlewareArgs, C>[]): void {
    if (typeof commandName !== 'string' || listeners.length !== 1) return super.command(commandName, ...listeners);
    if (this.routes.command.add(commandName, plain(listeners[0]!))) super.command(ANY, this.routes.command.dispatch);
  }

  override action<A extends SlackAction = SlackAction, C extends StringIndexed = StringIndexed>(actionId: string | RegExp | ActionConstraints<A>, ...listeners: Middleware<SlackActionMiddlewareArgs<A>, C>[]): void {
    if (typeof actionId !== 'string' || listeners.length !== 1) return super.action(actionId as ActionConstraints<A>, ...listeners);
    if (this.routes.action.add(actionId, plain(listeners[0]!))) super.action({ action_id: ANY }, this.routes.action.dispatch);
  }

  override view<V extends SlackViewAction = SlackViewAction, C extends StringIndexed = StringIndexed>(callbackId: string | RegExp | ViewConstraints, ...listeners: Middleware<SlackViewMiddlewareArgs<V>, C>[]): void {
    const constraints: ViewConstraints = typeof callbackId === 'string' || callbackId instanceof RegExp ? { callback_id: callbackId, type: 'view_submission' } : callbackId;
    const type = constraints.type ?? 'view_submission';
    if (
      typeof constraints.callback_id !== 'string' ||
      listeners.length !== 1 ||
      (type !== 'view_submission' && type !== 'view_closed') ||
      Object.keys(constraints).some((k) => k !== 'callback_id' && k !== 'type')
    ) {
      // Bolt's own checks (and its refusal of anything else) apply.
      return super.view(constraints, ...listeners);
    }
    if (this.routes[type].add(constraints.callback_id, plain(listeners[0]!))) super.view({ callback_id: ANY, type }, this.routes[type].dispatch);
  }

  override event<E extends string = string, C extends StringIndexed = StringIndexed>(eventName: E, ...listeners: Middleware<SlackEventMiddlewareArgs<E>, C>[]): void;
  override event<E extends RegExp = RegExp, C extends StringIndexed = StringIndexed>(eventName: E, ...listeners: Middleware<SlackEventMiddlewareArgs<string>, C>[]): void;
  override event(eventName: string | RegExp, ...listeners: Middleware<SlackEventMiddlewareArgs<string>>[]): void {
    // Bolt refuses `message.*` names, with advice: its own registration says so.
    if (typeof eventName !== 'string' || listeners.length !== 1 || eventName.startsWith('message.')) return super.event(eventName as RegExp, ...listeners);
    if (this.routes.event.add(eventName, plain(listeners[0]!))) super.event(ANY, this.routes.event.dispatch);
  }

  /**
   * Declares that `command`'s acknowledgement is empty whenever `wellFormed` holds, so it can be
   * sent the moment the command is read. Its listener still calls ack(), which then does nothing;
   * a command that is not well formed is routed as usual, for the listener to answer.
   */
  acknowledgeOnArrival(command: string, wellFormed: (body: unknown) => boolean, modal?: ArrivalModal): void {
    this.onArrival.set(command, { wellFormed, modal });
  }

  /** The same for a button whose click opens a modal (the Home tab's): its acknowledgement is always empty. */
  acknowledgeActionOnArrival(actionId: string, wellFormed: (body: unknown) => boolean, modal: ArrivalModal): void {
    this.onArrival.set(actionKey(actionId), { wellFormed, modal });
  }

  /** The loading modal a readable command or click asks to have opened on arrival (Lambda's answering invocation opens it itself). */
  arrivalModalFor(body: Record<string, unknown>): { modal: ArrivalModal; trigger: ArrivalTrigger } | undefined {
    const onArrival = this.arrivalOf(body);
    return onArrival?.modal ? { modal: onArrival.modal, trigger: arrivalTrigger(body) } : undefined;
  }

  private arrivalOf(body: Record<string, unknown>): OnArrival | undefined {
    const key = arrivalKey(body);
    const onArrival = key === undefined ? undefined : this.onArrival.get(key);
    return onArrival?.wellFormed(body) ? onArrival : undefined;
  }

  /**
   * The Slack Web API as the listeners call it (slack-web-api.ts), instead of the WebClient Bolt
   * hands them as `client`: Bolt's is left to its auth.test at the server's start.
   */
  get slack(): SlackApi {
    return this.outside.slack;
  }

  /** Requests read and not yet finished, including work still waiting its turn: shutdown waits for them. */
  get inFlight(): number {
    return this.working;
  }

  override async processEvent(event: ReceiverEvent): Promise<void> {
    if (!this.envelope.schema.safeParse(event.body).success) {
      throw new UnexpectedPayloadError('signed request of a shape Latchkey does not handle');
    }
    const onArrival = this.arrivalOf(event.body);
    if (!onArrival) return this.route(event);
    // Lambda's and Socket Mode's ack() is the answer; settled when the work is, with what it throws
    // (Lambda's worker awaits it). An event that comes with its loading modal's outcome (Lambda's
    // worker, whose answering invocation opened it) has its trigger used once, by whoever answered.
    const { ack, customProperties, retryNum, retryReason } = event;
    await new Promise<void>((done, failed) =>
      this.arrive(event.body, onArrival, { answer: () => ack(), failed, done, customProperties, retryNum, retryReason }),
    );
  }

  /**
   * Over HTTP, a request acknowledged on arrival is answered the moment the request guard has read
   * and checked it (`body` as the guard read it), before Bolt's receiver reads it again: Bolt's reading (the URL, the body parsed
   * a second time, an acknowledgement object with its own timer) cost each command of a 400-command
   * burst about as much as the answer itself, and every command still arriving waited for it. The
   * request is then routed like any other, its acknowledgement already sent. False for every other
   * request, which goes on to Bolt's receiver as before (and so does an unknown shape, to be refused).
   * `failed` gets what the routing throws, before the answer or after it; `customProperties` are
   * what the receiver would have extracted from the request.
   */
  answerOnArrival(
    body: Record<string, unknown>,
    request: { answer: () => void; failed: (error: unknown) => void; customProperties?: Record<string, unknown> },
  ): boolean {
    if (!(typeof body.command === 'string' ? this.envelope.isCommand(body) : this.envelope.schema.safeParse(body).success)) return false;
    const onArrival = this.arrivalOf(body);
    if (!onArrival) return false;
    this.arrive(body, onArrival, request);
    return true;
  }

  /**
   * A request acknowledged on arrival, on every path (HTTP's request guard, Lambda, Socket Mode):
   * answered, its loading modal queued ahead of all work, then its work in its command's turn, and
   * `failed` gets whatever throws, before the answer or after (`done` when the work ends without
   * throwing). Nothing is suspended while it waits for its turn: a burst's commands all wait
   * together (400 at once), each held through every young collection meanwhile, and suspended async
   * calls, their promises and closures were about a third of what each held (docs/performance.md,
   * issue 28's twelfth pass). Over HTTP the answer is written at once; an answer that is a promise
   * (ack() elsewhere) is waited for.
   */
  private arrive(body: Record<string, unknown>, onArrival: OnArrival, request: Arriving): void {
    this.ackFirst.arrived();
    // The trigger's age counts from the click (ARRIVED_AT, as the receiver stamped it), not from
    // here: Lambda's worker gets here after the hand-off and its own cold start, and one that never
    // read the admin group opens a Review's window itself, with a trigger that may be dead already.
    // Read against the wall clock once, now; monotonic while the request waits for its turn.
    const arrivedAt = triggerArrival(request.customProperties ?? {});
    this.working += 1;
    let answered: unknown;
    try {
      answered = request.answer();
    } catch (error) {
      this.working -= 1;
      request.failed(error);
      return;
    }
    if (isThenable(answered)) this.queueWhenAnswered(answered, body, onArrival, request, arrivedAt);
    else this.queue(body, onArrival, request, arrivedAt);
  }

  /** The answer a promise (Lambda's or Socket Mode's ack()): queued once it is sent; if it fails, the work is not done. */
  private queueWhenAnswered(answered: PromiseLike<unknown>, body: Record<string, unknown>, onArrival: OnArrival, request: Arriving, arrivedAt: number): void {
    answered.then(
      () => this.queue(body, onArrival, request, arrivedAt),
      (error: unknown) => {
        this.working -= 1;
        request.failed(error);
      },
    );
  }

  /** An answered request: its loading modal (unless opened already) ahead of all work, then its work in its command's turn (AckFirst.whenArrivalTurn). */
  private queue(body: Record<string, unknown>, onArrival: OnArrival, request: Arriving, arrivedAt: number): void {
    const customProperties = request.customProperties ?? {};
    const opened = (customProperties[OPENED_MODAL] as Promise<unknown> | undefined) ?? (onArrival.modal && this.openOnArrival(onArrival.modal, body, arrivedAt));
    const queuedAt = performance.now();
    this.ackFirst.whenArrivalTurn(arrivalKey(body) ?? '', (release) => {
      const work = async () => {
        try {
          this.waitedForTurn(queuedAt);
          await super.processEvent(acknowledgedEvent({ body, customProperties, retryNum: request.retryNum, retryReason: request.retryReason }, opened));
        } finally {
          release();
          this.working -= 1;
        }
      };
      work().then(request.done, request.failed);
    });
  }

  /** Any request not acknowledged on arrival: its work, after its listener's ack(), waits its turn (AckFirst.turn). */
  private async route(event: ReceiverEvent): Promise<void> {
    this.ackFirst.arrived();
    this.working += 1;
    const { ack } = event;
    try {
      await super.processEvent({
        ...event,
        ack: async (response) => {
          await ack(response);
          await this.ackFirst.turn();
        },
      });
    } finally {
      this.working -= 1;
    }
  }

  /**
   * The loading modal, opened ahead of all work (AckFirst's urgent lane): its trigger is on a clock.
   * Whatever throws in it is the promise's, never the turn's that starts it.
   */
  private openOnArrival(modal: ArrivalModal, body: Record<string, unknown>, arrivedAt: number): Promise<unknown> {
    return this.ackFirst.urgent().then(() =>
      openLoadingModal({
        client: this.slack,
        ...this.outside,
        modal,
        trigger: arrivalTrigger(body),
        arrivedAt,
        now: triggerNow,
      }),
    );
  }

  /**
   * How long a command waited for one of its command's places: near nothing unless a burst (or a
   * slow directory holding its places) makes commands queue, which operators should see.
   */
  private waitedForTurn(queuedAt: number): void {
    this.outside.metrics.duration('work_queue_wait', performance.now() - queuedAt);
  }
}

/** An event acknowledged on arrival, as Bolt routes it: its listener's ack() answers nothing, and its loading modal's outcome goes with it. */
function acknowledgedEvent(event: Omit<ReceiverEvent, 'ack'>, opened: Promise<unknown> | undefined): ReceiverEvent {
  const { body } = event;
  return {
    ...event,
    customProperties: { ...event.customProperties, ...(opened && { [OPENED_MODAL]: opened }) },
    ack: async (response) => {
      if (response !== undefined) throw new Error(`${String(arrivalKey(body))} was acknowledged on arrival; its listener cannot answer in the acknowledgement`);
    },
  };
}

/**
 * A request acknowledged on arrival, as arrive() takes it: its answer, whom to tell how its work
 * ends, and what its event carries besides its body.
 */
interface Arriving {
  /** Sends the empty acknowledgement: at once over HTTP, a promise where ack() is (Lambda, Socket Mode). */
  readonly answer: () => unknown;
  readonly failed: (error: unknown) => void;
  readonly done?: () => void;
  readonly customProperties?: Record<string, unknown>;
  readonly retryNum?: number;
  readonly retryReason?: string;
}

/** A command or click acknowledged on arrival: when it is, and its loading modal if it has one. */
interface OnArrival {
  readonly wellFormed: (body: unknown) => boolean;
  readonly modal?: ArrivalModal;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** Whose trigger, and where to say Latchkey is busy: a command's fields, or a click's. */
export interface ArrivalTrigger {
  readonly triggerId: string;
  readonly userId: string;
  /** A command's; a click on the Home tab has none. */
  readonly responseUrl?: string;
  /** A click on a message in a channel (where an ephemeral can answer it with no trigger). */
  readonly inChannel?: boolean;
}

const actionKey = (actionId: string) => `action:${actionId}`;

/** What onArrival is keyed by: a command's name, or a single button click's action ID. */
function arrivalKey(body: Record<string, unknown>): string | undefined {
  if (typeof body.command === 'string') return body.command;
  const actions = body.actions;
  if (body.type === 'block_actions' && Array.isArray(actions) && actions.length === 1) {
    // Signed, but not yet checked against the envelope (Lambda's answering invocation asks first).
    const action: unknown = actions[0];
    const actionId = typeof action === 'object' && action !== null ? (action as { action_id?: unknown }).action_id : undefined;
    return typeof actionId === 'string' ? actionKey(actionId) : undefined;
  }
  return undefined;
}

/** Read only after the entry's own wellFormed check passed. */
function arrivalTrigger(body: Record<string, unknown>): ArrivalTrigger {
  const user = body.user as { id?: string } | undefined;
  return {
    triggerId: String(body.trigger_id),
    userId: String(body.user_id ?? user?.id),
    ...(typeof body.response_url === 'string' && { responseUrl: body.response_url }),
    ...(typeof (body.channel as { id?: unknown } | undefined)?.id === 'string' && { inChannel: true }),
  };
}
