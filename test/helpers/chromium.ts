import { existsSync } from 'node:fs';

/**
 * Debian's Chromium for the browser tests: `XREPL_CHROMIUM` or `/usr/bin/chromium`. Missing, the
 * tests skip, unless `CI=true` or `XREPL_REQUIRE_BROWSER=1`, where a missing browser fails them.
 */
export function chromiumPath(): string | undefined {
  const path = process.env['XREPL_CHROMIUM'] ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (process.env['CI'] === 'true' || process.env['XREPL_REQUIRE_BROWSER'] === '1') {
    throw new Error(`no Chromium at ${path}: install Debian's chromium package (apt-get install chromium) or set XREPL_CHROMIUM`);
  }
  return undefined;
}

/** Flags for headless Chromium as root in a container, with no network beyond loopback needed. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--disable-background-networking'];
