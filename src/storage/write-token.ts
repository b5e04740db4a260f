import { randomUUID } from 'node:crypto';

/** The attribute a conditional write stores its token in, on the item it writes. */
export const WRITE_TOKEN_ATTRIBUTE = 'writeId';

/**
 * A conditional write's own token, by which it knows its own retry. The SDK sends a write again
 * when its answer was lost or late (the request timeout), and DynamoDB may have made the first
 * try: the retry then meets what that first try wrote, and fails a condition such as "not there
 * yet", to be taken for someone else's write (a confirmation told it was used, a claim taken for
 * an earlier delivery's, a request's move taken for a lost race). So each write carries a random
 * token, made once before send, which only the SDK's retries of that same request carry, and
 * stores it on the item; its condition also accepts the item as this very write left it (`ours`).
 * Every other write, a second click or delivery of the same thing included, makes a token of its
 * own, so it never passes as ours.
 *
 * Made before send, one per write: a later request may check that the item still holds it (`ours`,
 * a claim given back), never make a change of its own under it.
 */
export class WriteToken {
  /** Placeholders for the condition and update expressions (`#writeId`, `:writeId`). */
  private readonly name: string;
  private readonly placeholder: string;

  /**
   * `attribute`: where the item keeps the token, WRITE_TOKEN_ATTRIBUTE unless a write keeps its own beside it.
   * `value`: random unless given; given only to a writer that tries again on its own under one stable name
   * (a failed-work record, received again from its queue), which must know its earlier try as its own.
   */
  constructor(
    readonly attribute: string = WRITE_TOKEN_ATTRIBUTE,
    readonly value: string = randomUUID(),
  ) {
    this.name = `#${attribute}`;
    this.placeholder = `:${attribute}`;
  }

  /** For a PutItem's Item: the token as an attribute. */
  get item(): Record<string, string> {
    return { [this.attribute]: this.value };
  }

  /** For an UpdateExpression's SET: stores this token on the item. */
  get set(): string {
    return `${this.name} = ${this.placeholder}`;
  }

  /** For an UpdateExpression's REMOVE: the token's attribute (a claim given back). */
  get remove(): string {
    return this.name;
  }

  /** The item is as this very write left it: the SDK's retry of a write that was made. */
  get ours(): string {
    return `${this.name} = ${this.placeholder}`;
  }

  /** `condition` holds, or the item is as this very write left it. */
  orOurs(condition: string): string {
    return `(${condition}) OR ${this.ours}`;
  }

  /** The item's last write was not this one: for a write that must not be made twice (a count). */
  get notOurs(): string {
    return `(attribute_not_exists(${this.name}) OR ${this.name} <> ${this.placeholder})`;
  }

  /** ExpressionAttributeNames for any of the fragments above. */
  get names(): Record<string, string> {
    return { [this.name]: this.attribute };
  }

  /** ExpressionAttributeValues (before marshall) for any of the fragments above. */
  get values(): Record<string, string> {
    return { [this.placeholder]: this.value };
  }
}

/**
 * Whether the SDK sent the request that failed once only (its retry middleware counts the tries
 * on the error, `$metadata.attempts`): then no earlier try of this write can have been made, and a
 * condition it failed was failed by what others wrote, not by its own first try. No count is taken
 * as more than once.
 */
export function sentOnce(err: unknown): boolean {
  return (err as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts === 1;
}
