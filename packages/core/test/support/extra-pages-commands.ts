// Browser commands that open more top-level pages in the test's own browser context (same
// origin, same IndexedDB, same Web Locks: what two tabs of one site share), for the
// two-tabs test (packages/core/test/browser/two-tabs.test.ts). Registered in the root
// vitest.config.ts's browser project; the pages talk to the test over BroadcastChannel.
import type { BrowserCommandContext } from 'vitest/node';

interface CdpSession {
  send(method: string, params?: object): Promise<unknown>;
}
interface PageLike {
  goto(url: string): Promise<unknown>;
  close(): Promise<void>;
}
interface PlaywrightBrowserContext {
  newPage(): Promise<PageLike>;
  newCDPSession(page: PageLike): Promise<CdpSession>;
}

const opened = new Map<string, PageLike[]>();

/**
 * Opens `count` pages at `url`. `uploadBytesPerSecond` gives each page an uplink of that
 * speed (DevTools network emulation), so an upload takes as long as on a real link rather
 * than the few milliseconds of loopback.
 */
async function openPages(
  ctx: BrowserCommandContext,
  url: string,
  count: number,
  uploadBytesPerSecond?: number,
): Promise<void> {
  // The playwright provider's BrowserContext (its own types are playwright-core's).
  const context = (ctx as unknown as { context?: PlaywrightBrowserContext }).context;
  if (!context) throw new Error('openPages needs the playwright browser provider');
  const pages = opened.get(ctx.sessionId) ?? [];
  opened.set(ctx.sessionId, pages);
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    pages.push(page);
    if (uploadBytesPerSecond !== undefined) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: uploadBytesPerSecond,
      });
    }
    await page.goto(url);
  }
}

async function closePages(ctx: BrowserCommandContext): Promise<void> {
  const pages = opened.get(ctx.sessionId) ?? [];
  opened.delete(ctx.sessionId);
  await Promise.all(pages.map((page) => page.close()));
}

export const extraPagesCommands = { openPages, closePages };

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Opens `count` pages at `url` in the test's browser context, each with that uplink speed. */
    openPages(url: string, count: number, uploadBytesPerSecond?: number): Promise<void>;
    closePages(): Promise<void>;
  }
}
