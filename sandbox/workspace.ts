/**
 * The Slack client's side of the sandbox: what each person would see in Slack (their modal stack,
 * the channels, their DM with Latchkey, ephemeral messages only they see), and the requests Slack
 * would send the app when they type a command, submit a modal or click a button.
 *
 * What the app does to Slack is read from the Web API fake's call log (views.open/push/update,
 * chat.postMessage/update/postEphemeral); what Slack sends the app goes through the real signed
 * request path (test/support/slack-requests.ts) into the app's /slack/events.
 */
import { randomBytes } from 'node:crypto';
import { closestName } from '../src/setting-names';
import type { SlackCall, SlackFake } from '../test/support/slack-fake';
import {
  blockActionsPayload,
  homeOpenedEvent,
  postEvent,
  postInteraction,
  postSlashCommand,
  viewSubmissionPayload,
  type AppResponse,
} from '../test/support/slack-requests';

export interface SandboxMessage {
  channel: string;
  ts: string;
  /** 'bot' for Latchkey, 'slackbot' for Slack's own notices, else a user id. */
  from: string;
  text: string;
  blocks?: unknown[];
  edited?: boolean;
  /** Seen only by this user ("Only visible to you"). */
  ephemeralFor?: string;
  at: number;
}

export interface ModalLayer {
  view: Record<string, any>;
  /** response_action "errors": block_id → message. */
  errors: Record<string, string>;
  /**
   * Where in the app's calls to Slack this view was last set (see Workspace.position): a views.open, push or update's own place, or
   * an answer's arrival. Slack shows what it received last, so an answer replaces only what came before it arrived.
   */
  setAt: number;
  /** A submission is on its way; the page shows the submit button busy. */
  submitting?: boolean;
  /** What Slack shows in the modal when the app's answer was not usable. */
  notice?: string;
}

/** One request the sandbox sent the app as Slack, for the side panel. */
export interface AppRequestRecord {
  at: number;
  kind: 'slash_command' | 'view_submission' | 'block_actions' | 'view_closed' | 'app_home_opened';
  user: string;
  summary: string;
  payload: unknown;
  status: number;
  ms: number;
  response?: unknown;
}

/** Raw values from the page: block_id → action_id → text, selected option value, user ID or date (null for nothing). */
export type RawValues = Record<string, Record<string, string | null>>;

export interface WorkspaceOptions {
  slack: SlackFake;
  teamId: string;
  signingSecret: string;
  /** The app's /slack/events URL. */
  eventsUrl: string;
  /** Base URL for response_url hooks served by the sandbox, e.g. http://127.0.0.1:3100/hooks/ */
  hookBase: () => string;
  /** Called after anything changes. */
  onChange?: () => void;
  /** The slash commands the app's manifest declares: Slack sends the app no other. */
  commands: readonly string[];
}

/** Slack's words when an app's answer to a submission can't be used. */
const TROUBLE = 'We had some trouble connecting. Try again?';

export class Workspace {
  readonly modals = new Map<string, ModalLayer[]>();
  readonly conversations = new Map<string, SandboxMessage[]>();
  readonly appRequests: AppRequestRecord[] = [];
  /** Each person's Home tab, as the app last published it. */
  readonly homes = new Map<string, Record<string, any>>();
  version = 0;
  private cursor = 0;
  /** Calls the fake's log held before it was last cleared, so positions keep growing. */
  private cleared = 0;
  private readonly triggerOwners = new Map<string, string>();
  private readonly hooks = new Map<string, { user: string; channel: string; messageTs?: string }>();

  constructor(private readonly opts: WorkspaceOptions) {}

  /** Messages kept from an earlier run. */
  restore(messages: SandboxMessage[]): void {
    for (const m of messages) this.append(m);
  }

  private changed(): void {
    this.version += 1;
    this.opts.onChange?.();
  }

  private append(message: SandboxMessage): void {
    const list = this.conversations.get(message.channel) ?? [];
    list.push(message);
    this.conversations.set(message.channel, list);
  }

  private newTrigger(user: string): string {
    const id = this.opts.slack.newTriggerId();
    this.triggerOwners.set(id, user);
    return id;
  }

  private newHook(context: { user: string; channel: string; messageTs?: string }): string {
    const id = randomBytes(9).toString('base64url');
    this.hooks.set(id, context);
    return `${this.opts.hookBase()}${id}`;
  }

  private layerOf(viewId: string): { user: string; stack: ModalLayer[]; index: number } | undefined {
    for (const [user, stack] of this.modals) {
      const index = stack.findIndex((l) => l.view.id === viewId);
      if (index >= 0) return { user, stack, index };
    }
    return undefined;
  }

  /** Reads what the app has done to Slack since last time, in order. */
  sync(): void {
    const calls = this.opts.slack.calls;
    if (this.cursor > calls.length) {
      // the fake's log was cleared
      this.cleared += this.cursor;
      this.cursor = 0;
    }
    let any = false;
    while (this.cursor < calls.length) {
      const call = calls[this.cursor++]!;
      if (this.apply(call, this.cleared + this.cursor)) any = true;
    }
    if (any) this.changed();
  }

  /** How many calls the app has made to Slack so far: an answer arriving now comes after each of them. */
  private position(): number {
    return this.cleared + this.opts.slack.calls.length;
  }

  private apply(call: SlackCall, setAt: number): boolean {
    const result = call.result;
    if (!result?.ok) return false;
    const args = call.args;
    switch (call.method) {
      case 'views.open': {
        const user = this.triggerOwners.get(args.trigger_id);
        if (!user) return false;
        this.modals.set(user, [{ view: result.view, errors: {}, setAt }]);
        return true;
      }
      case 'views.push': {
        const user = this.triggerOwners.get(args.trigger_id);
        if (!user) return false;
        const stack = this.modals.get(user) ?? [];
        stack.push({ view: result.view, errors: {}, setAt });
        this.modals.set(user, stack.slice(-3)); // Slack keeps at most 3 views in a stack
        return true;
      }
      case 'views.update': {
        const found = this.layerOf(result.view.id);
        if (!found) return false; // the person closed it already: Slack updates a view nobody sees
        found.stack[found.index] = { view: result.view, errors: {}, setAt };
        return true;
      }
      case 'views.publish':
        this.homes.set(args.user_id, result.view);
        return true;
      case 'chat.postMessage':
        this.append({ ...messageFields(result.message), channel: result.channel, at: call.at });
        return true;
      case 'chat.update': {
        const list = this.conversations.get(result.channel) ?? [];
        const index = list.findIndex((m) => m.ts === result.ts && !m.ephemeralFor);
        if (index < 0) return false;
        list[index] = { ...list[index]!, ...messageFields(result.message), edited: true };
        return true;
      }
      case 'chat.postEphemeral':
        this.append({
          channel: args.channel,
          ts: result.message_ts,
          from: 'bot',
          text: args.text ?? '',
          ...(Array.isArray(args.blocks) && { blocks: args.blocks }),
          ephemeralFor: args.user,
          at: call.at,
        });
        return true;
      default:
        return false;
    }
  }

  private record(entry: AppRequestRecord): void {
    this.appRequests.push(entry);
    if (this.appRequests.length > 200) this.appRequests.splice(0, this.appRequests.length - 200);
  }

  private slackbotNotice(user: string, channel: string, text: string): void {
    this.append({ channel, ts: ephemeralTs(), from: 'slackbot', text, ephemeralFor: user, at: Date.now() });
  }

  /**
   * A person types `/command text` in a conversation. A command the app does not declare never
   * reaches it, as in Slack: Slackbot answers that it is not a valid command (Slack adds nothing
   * more; the sandbox names the app's commands, and the one meant when it is a letter or two off).
   * Undefined then: nothing was sent.
   */
  async command(user: string, channel: string, line: string): Promise<AppResponse | undefined> {
    const match = /^(\/\S*)\s*([\s\S]*)$/.exec(line.trim());
    if (!match) throw new Error('not a slash command');
    const [, command, text] = match as unknown as [string, string, string];
    if (!this.opts.commands.includes(command.toLowerCase())) {
      this.sync();
      this.slackbotNotice(user, channel, notACommand(command, this.opts.commands));
      this.changed();
      return undefined;
    }
    const triggerId = this.newTrigger(user);
    const fields = {
      command: command.toLowerCase(),
      user_id: user,
      team_id: this.opts.teamId,
      trigger_id: triggerId,
      text,
      channel_id: channel,
      response_url: this.newHook({ user, channel }),
    };
    const res = await postSlashCommand(this.opts.eventsUrl, this.opts.signingSecret, fields);
    this.record({ at: Date.now(), kind: 'slash_command', user, summary: `${fields.command} ${text}`.trim(), payload: fields, status: res.status, ms: res.ms, response: res.json ?? res.body });
    this.sync();
    if (res.status !== 200) {
      this.slackbotNotice(user, channel, `\`${fields.command}\` failed with the error "dispatch_failed" (the app answered HTTP ${res.status}).`);
    } else if (res.json && (res.json.text || res.json.blocks)) {
      this.postReply(user, channel, res.json);
    } else if (res.body !== '' && !res.json) {
      this.postReply(user, channel, { text: res.body });
    }
    this.changed();
    return res;
  }

  private postReply(user: string, channel: string, reply: Record<string, any>, messageTs?: string): void {
    const fields = {
      from: 'bot',
      text: typeof reply.text === 'string' ? reply.text : '',
      ...(Array.isArray(reply.blocks) && { blocks: reply.blocks }),
    };
    const list = this.conversations.get(channel) ?? [];
    if (reply.delete_original && messageTs) {
      this.conversations.set(channel, list.filter((m) => m.ts !== messageTs));
      return;
    }
    const original = messageTs ? list.find((m) => m.ts === messageTs) : undefined;
    if (reply.replace_original && original) {
      Object.assign(original, fields, { edited: true });
      return;
    }
    const visibleToAll = reply.response_type === 'in_channel';
    this.append({ channel, ts: ephemeralTs(), ...fields, ...(!visibleToAll && { ephemeralFor: user }), at: Date.now() });
  }

  /** Something the app POSTed to a response_url the sandbox handed out. */
  hook(id: string, body: unknown): boolean {
    const context = this.hooks.get(id);
    if (!context || typeof body !== 'object' || body === null) return false;
    this.sync();
    this.postReply(context.user, context.channel, body as Record<string, any>, context.messageTs);
    this.changed();
    return true;
  }

  /** The person clicks the modal's submit button. */
  async submit(user: string, viewId: string, raw: RawValues): Promise<AppResponse | undefined> {
    this.sync();
    const stack = this.modals.get(user) ?? [];
    const layer = stack.at(-1);
    if (!layer || layer.view.id !== viewId) return undefined;
    const values = stateValues(layer.view, raw);
    layer.submitting = true;
    layer.notice = undefined;
    this.changed();
    const sentAt = Date.now();
    const payload = viewSubmissionPayload({ userId: user, teamId: this.opts.teamId, view: layer.view, values, triggerId: this.newTrigger(user) });
    let res: AppResponse;
    try {
      res = await postInteraction(this.opts.eventsUrl, this.opts.signingSecret, payload);
    } catch (err) {
      layer.submitting = false;
      layer.notice = TROUBLE;
      this.changed();
      throw err;
    }
    const arrivedAt = this.position();
    this.record({ at: sentAt, kind: 'view_submission', user, summary: `${layer.view.callback_id || '(no callback_id)'} → HTTP ${res.status}`, payload, status: res.status, ms: res.ms, response: res.json ?? res.body });
    // Whatever the app did to Slack while answering comes first, as it did in time.
    this.sync();
    layer.submitting = false;
    this.applySubmissionAnswer(user, viewId, res, arrivedAt);
    this.changed();
    return res;
  }

  private applySubmissionAnswer(user: string, viewId: string, res: AppResponse, arrivedAt: number): void {
    const stack = this.modals.get(user) ?? [];
    const index = stack.findIndex((l) => l.view.id === viewId);
    if (index < 0) return;
    const layer = stack[index]!;
    // Slack waits 3 s for the answer; a slower one, an error status or junk is "trouble connecting".
    const answer = res.body === '' ? {} : res.json;
    if (res.status !== 200 || res.ms > 3_000 || (res.body !== '' && (typeof answer !== 'object' || answer === null))) {
      layer.notice = TROUBLE;
      return;
    }
    switch (answer.response_action) {
      case undefined:
        stack.splice(index); // an empty answer closes this view (and any above it)
        break;
      case 'clear':
        this.modals.delete(user);
        return;
      case 'errors':
        layer.errors = typeof answer.errors === 'object' && answer.errors ? answer.errors : {};
        break;
      case 'update':
        // Slack shows what reached it last. A views.update the app made after this answer arrived (read from the
        // fake's log before this answer, yet newer) stays; an answer to another submit of this view that arrived
        // earlier, even to one sent later (a duplicate answered at once while this one waited for its result), does not.
        if (layer.setAt <= arrivedAt) {
          // The answer replaces the view whole, as in Slack: a submit button it leaves out is gone. Slack
          // gives it a new hash, so a views.update made from the view as it was (a pick's, late) is refused.
          const stored = this.opts.slack.answerWithUpdate(viewId, answer.view);
          stack[index] = { view: { ...(stored ?? answer.view), id: viewId, hash: stored?.hash ?? newHash(), state: { values: {} } }, errors: {}, setAt: arrivedAt };
        }
        break;
      case 'push':
        stack.push({ view: { ...answer.view, id: `V${randomBytes(5).toString('hex').toUpperCase()}`, hash: newHash() }, errors: {}, setAt: arrivedAt });
        break;
      default:
        layer.notice = TROUBLE;
    }
    if (stack.length === 0) this.modals.delete(user);
  }

  /** Cancel / close: Slack tells the app only when the view asked for it (notify_on_close). */
  async close(user: string, viewId: string, all = false): Promise<void> {
    this.sync();
    const stack = this.modals.get(user) ?? [];
    const index = stack.findIndex((l) => l.view.id === viewId);
    if (index < 0) return;
    const closing = all ? stack.splice(0) : stack.splice(index, 1);
    if (stack.length === 0) this.modals.delete(user);
    // Slack forgets a closed view: the app's later views.update of it is answered not_found, and the app shows its secret elsewhere.
    for (const layer of closing) this.opts.slack.closeView(String(layer.view.id));
    this.changed();
    for (const layer of closing.filter((l) => l.view.notify_on_close)) {
      const payload = { type: 'view_closed', team: { id: this.opts.teamId }, user: { id: user, team_id: this.opts.teamId }, view: layer.view, is_cleared: all };
      const res = await postInteraction(this.opts.eventsUrl, this.opts.signingSecret, payload);
      this.record({ at: Date.now(), kind: 'view_closed', user, summary: `${layer.view.callback_id} closed → HTTP ${res.status}`, payload, status: res.status, ms: res.ms });
    }
  }

  /** The person opens Latchkey's Home tab: Slack tells the app (Events API), which publishes it. */
  async openHome(user: string): Promise<AppResponse> {
    const event = homeOpenedEvent({ userId: user, teamId: this.opts.teamId, viewId: this.homes.get(user)?.id });
    const res = await postEvent(this.opts.eventsUrl, this.opts.signingSecret, event);
    this.record({ at: Date.now(), kind: 'app_home_opened', user, summary: `Home tab → HTTP ${res.status}`, payload: event, status: res.status, ms: res.ms });
    this.sync();
    this.changed();
    return res;
  }

  /** The person clicks a button in a message, in their open modal, or on the Home tab. */
  async click(
    user: string,
    target: { channel?: string; ts?: string; viewId?: string; home?: boolean; blockId: string; actionId: string; value?: string },
  ): Promise<AppResponse> {
    this.sync();
    const triggerId = this.newTrigger(user);
    const view = target.home ? this.homes.get(user) : target.viewId ? this.modals.get(user)?.find((l) => l.view.id === target.viewId)?.view : undefined;
    const payload = blockActionsPayload({
      userId: user,
      teamId: this.opts.teamId,
      actionId: target.actionId,
      blockId: target.blockId,
      ...(target.value !== undefined && { value: target.value }),
      ...(view ? { view } : { channelId: target.channel, messageTs: target.ts }),
      triggerId,
      ...(!view && target.channel && { responseUrl: this.newHook({ user, channel: target.channel, messageTs: target.ts }) }),
    });
    const res = await postInteraction(this.opts.eventsUrl, this.opts.signingSecret, payload);
    this.record({ at: Date.now(), kind: 'block_actions', user, summary: `${target.actionId} → HTTP ${res.status}`, payload, status: res.status, ms: res.ms, response: res.json ?? res.body });
    this.sync();
    if (res.status !== 200 && target.channel) {
      this.slackbotNotice(user, target.channel, `The app did not respond to that click (HTTP ${res.status}).`);
    }
    this.changed();
    return res;
  }

  /**
   * The person changes an element of an input block with dispatch_action in their open modal (picks
   * a radio button or an option, a person or a date; presses Enter in a text input): Slack tells the
   * app at once with block_actions, the action carrying the element's new state and the view its
   * whole state, and shows the views.update the app answers with. Any other input tells the app
   * nothing until submit, so undefined is returned and nothing is sent.
   */
  async change(user: string, target: { viewId: string; blockId: string; actionId: string }, raw: RawValues): Promise<AppResponse | undefined> {
    this.sync();
    const layer = this.modals.get(user)?.find((l) => l.view.id === target.viewId);
    const block = (layer?.view.blocks as Record<string, any>[] | undefined)?.find((b) => b.type === 'input' && b.block_id === target.blockId);
    if (!layer || !block?.dispatch_action || block.element?.action_id !== target.actionId) return undefined;
    const values = stateValues(layer.view, raw);
    const changed = values[target.blockId]?.[target.actionId] as ({ type: string } & Record<string, unknown>) | undefined;
    if (!changed) return undefined; // an element the sandbox cannot render
    const payload = blockActionsPayload({
      userId: user,
      teamId: this.opts.teamId,
      actionId: target.actionId,
      blockId: target.blockId,
      changed,
      view: { ...layer.view, state: { values } },
      triggerId: this.newTrigger(user),
    });
    const res = await postInteraction(this.opts.eventsUrl, this.opts.signingSecret, payload);
    this.record({ at: Date.now(), kind: 'block_actions', user, summary: `${target.actionId} changed → HTTP ${res.status}`, payload, status: res.status, ms: res.ms, response: res.json ?? res.body });
    this.sync();
    this.changed();
    return res;
  }

  /** What one person sees: their modals, and the messages of every conversation they can see. */
  viewFor(user: string) {
    const conversations: Record<string, SandboxMessage[]> = {};
    for (const [channel, list] of this.conversations) {
      if (channel.startsWith('D') && channel !== `D${user}`) continue;
      conversations[channel] = list.filter((m) => !m.ephemeralFor || m.ephemeralFor === user);
    }
    return { modals: this.modals.get(user) ?? [], conversations, home: this.homes.get(user) ?? null };
  }

  /**
   * The page reloads. Slack's client keeps ephemeral messages only while it runs (the one with a
   * PIN says it disappears when Slack reloads), and the page is every demo person's Slack client,
   * its picker switching between them: so each person's go. The app's calls are read first, so an
   * ephemeral sent before the reload cannot come back at the next read.
   *
   * Open modals go too, as a reload of Slack's client closes them: a window showing a new PIN must
   * not outlive it. Slack forgets them (the app's later views.update is refused not_found, and the
   * app shows its secret elsewhere), but tells the app nothing: it documents view_closed for the
   * person's Cancel or × alone, which nobody clicked. We believe Slack sends none here; a reset's
   * limit is then not given back, and a push waited for runs to its answer or its timeout.
   */
  reload(): void {
    this.sync();
    for (const [channel, list] of this.conversations) this.conversations.set(channel, list.filter((m) => !m.ephemeralFor));
    for (const stack of this.modals.values()) for (const layer of stack) this.opts.slack.closeView(String(layer.view.id));
    this.modals.clear();
    this.changed();
  }

  /** Everything worth keeping across a restart: the messages (ephemeral ones vanish, as in Slack). */
  persistentMessages(): SandboxMessage[] {
    return [...this.conversations.values()].flat().filter((m) => !m.ephemeralFor);
  }
}

function messageFields(message: Record<string, any>): Omit<SandboxMessage, 'channel' | 'at'> {
  return {
    ts: message.ts,
    from: message.bot_id ? 'bot' : (message.user ?? 'bot'),
    text: message.text ?? '',
    ...(Array.isArray(message.blocks) && { blocks: message.blocks }),
  };
}

let ephemeralCounter = 0;
function ephemeralTs(): string {
  return `${Math.floor(Date.now() / 1000)}.9${String(++ephemeralCounter).padStart(5, '0')}`;
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}

/**
 * view.state.values as Slack sends them, built from the view's own input blocks: text inputs carry
 * `value` (null when empty), radio buttons and selects the whole `selected_option` (or null).
 */
export function stateValues(view: Record<string, any>, raw: RawValues): Record<string, Record<string, any>> {
  const values: Record<string, Record<string, any>> = {};
  for (const block of (view.blocks ?? []) as Record<string, any>[]) {
    if (block.type !== 'input' || !block.element) continue;
    const element = block.element as Record<string, any>;
    const blockId = block.block_id as string;
    const actionId = element.action_id as string;
    const entered = raw[blockId]?.[actionId] ?? null;
    let state: Record<string, any>;
    switch (element.type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        state = { type: element.type, value: entered === '' ? null : entered };
        break;
      case 'users_select':
        state = { type: element.type, selected_user: entered || null };
        break;
      case 'datepicker':
        state = { type: element.type, selected_date: entered || null };
        break;
      case 'radio_buttons':
      case 'static_select': {
        const options = [...(element.options ?? []), ...((element.option_groups ?? []) as any[]).flatMap((g) => g.options ?? [])];
        const option = options.find((o: any) => o.value === entered);
        state = { type: element.type, selected_option: option ? structuredClone(option) : null };
        break;
      }
      default:
        continue; // an element the sandbox cannot render sends nothing
    }
    values[blockId] = { [actionId]: state };
  }
  return values;
}

/** Slack's answer to a command no app in the workspace has, with the ones Latchkey has. */
export function notACommand(typed: string, commands: readonly string[]): string {
  const meant = commandsMeant(typed, commands).map((c) => `\`${c}\``);
  const all = commands.map((c) => `\`${c}\``);
  return (
    `\`${typed}\` is not a valid command.${meant.length ? ` Did you mean ${meant.join(' or ')}?` : ''} ` +
    `Latchkey's commands: ${all.slice(0, -1).join(', ')} and ${all.at(-1)}.`
  );
}

/**
 * The commands a mistyped one likely meant: one a letter or two off it (`/reset-pim`), or else the
 * start of one or two of them, cut at a hyphen (`/unlock` for `/unlock-okta`, `/reset-okta` for
 * its two), as people type a command half-remembered. More than two is no guess.
 */
function commandsMeant(typed: string, commands: readonly string[]): string[] {
  const closest = closestName(typed, commands);
  if (closest) return [closest];
  const lower = typed.toLowerCase();
  const started = commands.filter((c) => c.toLowerCase().startsWith(`${lower}-`));
  return started.length <= 2 ? started : [];
}

