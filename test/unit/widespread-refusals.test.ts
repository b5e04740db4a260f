import type { Logger, RateLimiter } from '../../src/flows/ports';
import { WIDESPREAD_WITHIN_MS, WidespreadRefusals } from '../../src/flows/widespread-refusals';

/** What the on-call is paged with: the alert lines one watch logs, as its logger receives them. */
function watch() {
  const alerts: { fields: Record<string, unknown>; message: string }[] = [];
  const record = (fields: object, message: string) => {
    if ((fields as { alert?: boolean }).alert) alerts.push({ fields: fields as Record<string, unknown>, message });
  };
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  let now = 1_000_000;
  const refusals = new WidespreadRefusals(logger, () => now);
  const refuse = (person: string, kind = 'entra_password') => refusals.refused({ kind, reason: 'protected_account', person, ours: 'Check the role.' });
  return { alerts, refusals, refuse, later: (ms: number) => void (now += ms) };
}

describe('WidespreadRefusals: a refusal one person gets is theirs; several different people, likely ours', () => {
  it('a change of that credential made between the refusals shows its setup works: the people refused before it no longer count', () => {
    const w = watch();
    w.refuse('a');
    w.refuse('b');
    w.refusals.succeeded('entra_password');
    w.refuse('c');
    w.refuse('d');
    expect(w.alerts).toEqual([]);
    w.refuse('e');
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]!.message).toBe('the same refusal for several different people, and no success between: likely our setup, not their accounts. Check the role. Said at most once every 60 minutes');
  });

  it("another credential's refusals and successes count apart", () => {
    const w = watch();
    w.refuse('a');
    w.refuse('b', 'okta_password');
    w.refusals.succeeded('okta_password');
    w.refuse('c');
    expect(w.alerts).toEqual([]);
    w.refuse('d');
    expect(w.alerts.map((a) => a.fields)).toEqual([{ kind: 'entra_password', reason: 'protected_account', people: 3, withinMinutes: 60, alert: true }]);
  });

  it('refusals spread over more than the window never add up; a setup still broken an hour after its alert is said again', () => {
    const w = watch();
    w.refuse('a');
    w.refuse('b');
    w.later(WIDESPREAD_WITHIN_MS);
    w.refuse('c');
    w.refuse('d');
    expect(w.alerts).toEqual([]);
    w.refuse('e');
    expect(w.alerts).toHaveLength(1);
    // Not again within the hour after it, however many more.
    w.later(WIDESPREAD_WITHIN_MS - 1);
    w.refuse('f');
    expect(w.alerts).toHaveLength(1);
    // Past it, three different people within the last hour again.
    w.later(1);
    w.refuse('g');
    expect(w.alerts).toHaveLength(1);
    w.refuse('h');
    expect(w.alerts).toHaveLength(2);
  });
});

describe('WidespreadRefusals and the shared counter', () => {
  it('a change made asks the shared counter nothing: every successful reset of every credential goes by without a remote call of its own (and none left running when a Lambda freezes)', () => {
    const asked: string[] = [];
    const shared: RateLimiter = {
      take: async (key) => {
        asked.push(key);
        return { ok: true };
      },
      giveBack: async () => false,
    };
    const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const refusals = new WidespreadRefusals(quiet, () => 1_000_000, shared);
    refusals.succeeded('chime_pin');
    refusals.succeeded('entra_password');
    expect(asked).toEqual([]);
  });
});
