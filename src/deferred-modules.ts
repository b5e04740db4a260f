import Module from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Modules that Latchkey's dependencies load up front but that it runs in one case only, or never.
 * Loaded, they cost the server about 180 ms of a start that must reach /healthz within 1 s, and
 * about 14 MB resident of a 100 MB budget:
 *   - Bolt's Socket Mode receiver, and with it @slack/socket-mode and undici (1.1 MB of code):
 *     needed only with SLACK_APP_TOKEN;
 *   - Bolt's OAuth installer (@slack/oauth, jsonwebtoken, semver): never, as Latchkey is installed
 *     to one workspace with a bot token;
 *   - zod's 60 translations of its error messages: never, as config.ts words its own.
 *
 * main.ts imports this first: each is entered in require's cache, before anything loads it, as a
 * stand-in whose properties load the real module on first use. The libraries read them only where
 * those features run (`new SocketModeReceiver(…)`, `new InstallProvider(…)`, `z.locales`), so
 * behaviour is unchanged; test/integration/deferred-modules.test.ts checks that they stay unloaded
 * through a start and still work when used.
 */
function deferUntilUsed(id: string, from: string = __dirname): void {
  let filename: string;
  try {
    filename = id.startsWith('.') ? require.resolve(join(from, id)) : require.resolve(id, { paths: [from] });
  } catch {
    return; // not resolvable here (inside a bundle, say): load as usual
  }
  if (require.cache[filename]) return; // loaded already: nothing to save
  let real: Record<string | symbol, unknown> | undefined;
  const load = (): Record<string | symbol, unknown> => {
    if (!real) {
      delete require.cache[filename];
      real = require(filename) as Record<string | symbol, unknown>;
    }
    return real;
  };
  const stand = new Module(filename);
  stand.filename = filename;
  stand.loaded = true;
  // `__esModule` is read when the module is imported (TypeScript's __importDefault): answered
  // without loading, as the real module would answer it.
  stand.exports = new Proxy(
    {},
    {
      get: (_target, key) => (key === '__esModule' ? true : load()[key]),
      has: (_target, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_target, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[filename] = stand;
}

/** Each module, and where it is resolved from (as its importer would resolve it). */
const DEFERRED: readonly { id: string; from?: () => string }[] = [
  { id: '@slack/bolt/dist/receivers/SocketModeReceiver' },
  { id: '@slack/oauth', from: () => dirname(require.resolve('@slack/bolt')) },
  { id: './v4/locales/index.cjs', from: () => dirname(require.resolve('zod')) },
];

for (const { id, from } of DEFERRED) deferUntilUsed(id, from?.());
