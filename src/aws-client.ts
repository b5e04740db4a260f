import type { AwsClientSettings } from './credentials/credential';

/**
 * Every AWS client's settings. A request that has not answered by its timeouts will not; fail over
 * to a clear message instead. `cacheMiddleware`: the SDK builds a command's middleware stack once per
 * command class instead of on every call (nothing here changes a stack after it is built): about
 * 70 µs less CPU per call, a quarter of the SDK's own cost per UpdateItem (docs/performance.md).
 */
export const AWS_CLIENT: AwsClientSettings = { requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 }, cacheMiddleware: true };
