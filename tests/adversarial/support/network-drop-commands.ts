// Browser commands for case 16 (tests/adversarial/browser/network-drop.test.ts), registered
// in the root vitest.config.ts's browser project. They run in the vitest process, next to
// playwright's BrowserContext: the rig (a real TCP proxy, a real token server, Chromium's
// offline switch) lives here, and the test in the page only sees a network that breaks.
// The rig is loaded through the project's module runner, so workspace packages resolve to
// their sources as they do in tests.
import { fileURLToPath } from 'node:url';
import type { BrowserCommandContext } from 'vitest/node';
import type { DropOptions, DropReport, NetworkDropRig } from './network-drop-rig.js';
import type {} from './provided-context.js';

type RigModule = typeof import('./network-drop-rig.js');
type PlaywrightContext = BrowserCommandContext & { context?: import('./network-drop-rig.js').OfflineSwitch };

const rigs = new Map<string, NetworkDropRig>();
const rigPath = fileURLToPath(new URL('./network-drop-rig.ts', import.meta.url));

/**
 * The rig through the project's SSR environment (its `ssr.resolve.conditions` carry
 * `@s3up/source`); `project.import` uses an environment that resolves workspace packages
 * to their unbuilt dist/.
 */
function importRig(ctx: BrowserCommandContext): Promise<RigModule> {
  const ssr = ctx.project.vite.environments.ssr as { runner?: { import<T>(id: string): Promise<T> } };
  if (!ssr.runner) throw new Error('the browser project has no runnable SSR environment');
  return ssr.runner.import<RigModule>(rigPath);
}

export interface DropSession {
  /** The token server under test: its credentials point S3 at the dropping proxy. */
  tokenServerUrl: string;
  /** A valid JWT for `user`. */
  token: string;
  user: string;
}

async function networkDropStart(
  ctx: PlaywrightContext,
  user: string,
  options: DropOptions,
): Promise<DropSession> {
  if (!ctx.context) throw new Error('networkDropStart needs the playwright browser provider');
  await rigs.get(ctx.sessionId)?.close();
  const { NetworkDropRig } = await importRig(ctx);
  const local = ctx.project.getProvidedContext().localS3;
  const rig = await NetworkDropRig.start(local, ctx.context, options);
  rigs.set(ctx.sessionId, rig);
  return { tokenServerUrl: rig.server.url, token: await rig.server.token(user), user };
}

async function networkDropReport(ctx: BrowserCommandContext, key: string | null): Promise<DropReport> {
  const rig = rigs.get(ctx.sessionId);
  if (!rig) throw new Error('networkDropStart was not called');
  await rig.settle();
  return rig.report(key);
}

async function networkDropStop(ctx: BrowserCommandContext): Promise<void> {
  const rig = rigs.get(ctx.sessionId);
  rigs.delete(ctx.sessionId);
  await rig?.close();
}

export const networkDropCommands = { networkDropStart, networkDropReport, networkDropStop };

declare module 'vitest/browser' {
  interface BrowserCommands {
    networkDropStart(user: string, options: DropOptions): Promise<DropSession>;
    networkDropReport(key: string | null): Promise<DropReport>;
    networkDropStop(): Promise<void>;
  }
}
