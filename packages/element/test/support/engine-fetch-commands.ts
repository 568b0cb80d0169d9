// Browser commands for the element's lazy-engine test (packages/element/test/browser/
// lazy-sdk.test.ts), registered in the root vitest.config.ts's browser project: they make
// the engine's module (src/engine-module.ts) fail to fetch, as it would offline or after a
// deploy removed its chunk, through the test browser context's request routing.
import type { BrowserCommandContext } from 'vitest/node';

interface Routing {
  route(url: RegExp, handler: (route: { abort(): Promise<void> }) => unknown): Promise<unknown>;
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

export const engineFetchCommands = { engineFetchFail, engineFetchRestore };

declare module 'vitest/browser' {
  interface BrowserCommands {
    engineFetchFail(): Promise<void>;
    engineFetchRestore(): Promise<void>;
  }
}
