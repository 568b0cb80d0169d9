import { existsSync } from 'node:fs';

/**
 * Debian's Chromium (apt-get install chromium): test tools never download a browser.
 * CHROMIUM_PATH overrides it.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  return path;
}

/** Flags for a closed network and a root user: no sandbox, no background calls home. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
