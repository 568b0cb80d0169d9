// Browser commands for the tests of uploads on real links (core's links.test.ts, element's real-links.test.ts),
// registered in the root vitest.config.ts's browser project. The meter runs in the vitest
// process; the page points the engine's S3 endpoint at it and asks for its count.
import { fileURLToPath } from 'node:url';
import type { BrowserCommandContext } from 'vitest/node';
import type {} from './global-setup.js';
import type { MeteredRequest, WireMeter } from './wire-meter.js';

type MeterModule = typeof import('./wire-meter.js');

const meters = new Map<string, WireMeter>();
const meterPath = fileURLToPath(new URL('./wire-meter.ts', import.meta.url));

/** The meter through the project's SSR environment, where workspace packages resolve to their sources. */
function importMeter(ctx: BrowserCommandContext): Promise<MeterModule> {
  const ssr = ctx.project.vite.environments.ssr as { runner?: { import<T>(id: string): Promise<T> } };
  if (!ssr.runner) throw new Error('the browser project has no runnable SSR environment');
  return ssr.runner.import<MeterModule>(meterPath);
}

function meterOf(ctx: BrowserCommandContext): WireMeter {
  const meter = meters.get(ctx.sessionId);
  if (!meter) throw new Error('wireMeterStart was not called');
  return meter;
}

async function wireMeterStart(ctx: BrowserCommandContext): Promise<string> {
  await meters.get(ctx.sessionId)?.close();
  const { WireMeter } = await importMeter(ctx);
  const meter = await WireMeter.start(ctx.project.getProvidedContext().localS3);
  meters.set(ctx.sessionId, meter);
  return meter.url;
}

async function wireMeterMark(ctx: BrowserCommandContext, name: string): Promise<void> {
  meterOf(ctx).mark(name);
}

async function wireMeterReport(
  ctx: BrowserCommandContext,
): Promise<{ requests: MeteredRequest[]; marks: { name: string; at: number }[] }> {
  const meter = meterOf(ctx);
  return { requests: meter.requests.map((r) => ({ ...r })), marks: [...meter.marks] };
}

async function wireMeterOpenUploads(
  ctx: BrowserCommandContext,
  prefix: string,
): Promise<{ key: string; uploadId: string }[]> {
  return meterOf(ctx).openUploads(prefix);
}

async function wireMeterStop(ctx: BrowserCommandContext): Promise<void> {
  const meter = meters.get(ctx.sessionId);
  meters.delete(ctx.sessionId);
  await meter?.close();
}

export const wireMeterCommands = {
  wireMeterStart,
  wireMeterMark,
  wireMeterReport,
  wireMeterOpenUploads,
  wireMeterStop,
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    wireMeterStart(): Promise<string>;
    wireMeterMark(name: string): Promise<void>;
    wireMeterReport(): Promise<{ requests: MeteredRequest[]; marks: { name: string; at: number }[] }>;
    wireMeterOpenUploads(prefix: string): Promise<{ key: string; uploadId: string }[]>;
    wireMeterStop(): Promise<void>;
  }
}
