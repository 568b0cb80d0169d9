// Browser commands for the element's lazily loaded modules, registered in the root
// vitest.config.ts's browser project, through the test browser context's request routing:
// - the engine's module (src/engine-module.ts) fails to fetch, as it would offline or after a
//   deploy removed its chunk (lazy-engine-offline.test.ts);
// - the file list's module (src/upload-list.ts) is held until released, as on a slow link,
//   so a test can pick files before it arrives (lazy-list.test.ts).
import type { BrowserCommandContext } from 'vitest/node';

interface Routing {
  route(
    url: RegExp,
    handler: (route: { abort(): Promise<void>; continue(): Promise<void> }) => unknown,
  ): Promise<unknown>;
  unroute(url: RegExp): Promise<unknown>;
}
type PlaywrightContext = BrowserCommandContext & { context?: Routing };

const ENGINE_MODULE = /\/element\/src\/engine-module\.ts/;

async function engineFetchFail(ctx: PlaywrightContext): Promise<void> {
  if (!ctx.context) throw new Error('engineFetchFail needs the playwright browser provider');
  await ctx.context.route(ENGINE_MODULE, (route) => route.abort());
}

async function engineFetchRestore(ctx: PlaywrightContext): Promise<void> {
  await ctx.context?.unroute(ENGINE_MODULE);
}

const LIST_MODULE = /\/element\/src\/upload-list\.ts/;
let releaseList: (() => void) | undefined;

async function listFetchHold(ctx: PlaywrightContext): Promise<void> {
  if (!ctx.context) throw new Error('listFetchHold needs the playwright browser provider');
  const released = new Promise<void>((resolve) => {
    releaseList = resolve;
  });
  await ctx.context.route(LIST_MODULE, async (route) => {
    await released;
    await route.continue();
  });
}

async function listFetchRelease(ctx: PlaywrightContext): Promise<void> {
  releaseList?.();
  releaseList = undefined;
  await ctx.context?.unroute(LIST_MODULE);
}

export const engineFetchCommands = { engineFetchFail, engineFetchRestore, listFetchHold, listFetchRelease };

declare module 'vitest/browser' {
  interface BrowserCommands {
    engineFetchFail(): Promise<void>;
    engineFetchRestore(): Promise<void>;
    /** Holds the file list's module (src/upload-list.ts) until listFetchRelease. */
    listFetchHold(): Promise<void>;
    listFetchRelease(): Promise<void>;
  }
}
