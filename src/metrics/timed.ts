import type { Metrics } from '../flows/ports';

/**
 * An adapter whose every call is timed as `directory_call` (by credential and method, and whether
 * it failed): the directory's latency on the dashboard, without the flows or the adapters knowing.
 */
export function timed<T extends object>(target: T, metrics: Metrics, credential: string): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        let outcome = 'ok';
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        } catch (err) {
          outcome = 'failed';
          throw err;
        } finally {
          metrics.duration('directory_call', performance.now() - started, { credential, operation: key, outcome });
        }
      };
    },
  });
}
