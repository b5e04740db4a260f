import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A new credential on its way to its owner. It refuses to turn into text by accident
 * (string coercion, JSON, util.inspect, a logger): the one way out is `reveal()`,
 * which only the view that shows it to the requester calls.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
