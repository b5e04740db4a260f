/**
 * A real Chromium for the browser tests, with nothing installed outside npm: the system's
 * `/usr/bin/chromium` when the machine has one (or CHROMIUM_PATH), else the one that ships
 * compressed inside the `@sparticuz/chromium` package, unpacked to the temp directory on first use
 * (about 3 s, no download). playwright-core drives it and downloads nothing.
 *
 * Fonts: the npm Chromium brings no emoji font, so emoji in screenshots render as boxes unless
 * the machine has one (Debian: fonts-noto-color-emoji). The tests read text, never pixels, so
 * nothing depends on fonts.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Without these, Chromium reaches for Google's services at start; on a machine with no internet
 * those connections are refused, many at a time, and slow the start down.
 */
const QUIET = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** Where the browser came from, for the test's own log. */
  readonly source: string;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const systemPath = process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM;
  if (existsSync(systemPath)) {
    const browser = await chromium.launch({ executablePath: systemPath, args: ['--no-sandbox', '--disable-gpu', ...QUIET] });
    return { browser, source: systemPath };
  }
  const packaged = (await import('@sparticuz/chromium')).default;
  const executablePath = await packaged.executablePath();
  const browser = await chromium.launch({ executablePath, args: [...packaged.args, ...QUIET] });
  return { browser, source: `@sparticuz/chromium (${executablePath})` };
}
