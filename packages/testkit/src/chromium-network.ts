// Browser-side helpers for tests in Chromium (vitest browser mode, playwright provider).
import type {} from '@vitest/browser-playwright';
import { cdp } from 'vitest/browser';

/** Throttles the page's uplink with DevTools network emulation; `null` lifts the limit. */
export async function throttleUplink(bytesPerSecond: number | null): Promise<void> {
  const session = cdp();
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}
