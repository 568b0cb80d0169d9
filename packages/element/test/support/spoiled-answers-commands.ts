// Browser commands for the element's test of held bad credentials answers
// (packages/element/test/browser/credential-answers.test.ts), registered in the root
// vitest.config.ts's browser project. For each spoil, a FaultProxy of the testkit in the
// vitest process stands in front of the run's real token server: it forwards every request
// (the CORS preflight too), then spoils each real 200 answer the way its spoil says
// (`rewrite`) and counts the requests, so the page sees a token endpoint that answers 200
// with something the engine must not use. A refusal of the real server goes through as it is.
import type {} from '@s3up/testkit/provided-token-server';
import type { BrowserCommandContext } from 'vitest/node';
// The config loads this file before any project runs: the testkit's source, by path, as the
// config itself loads chromium.ts and wire-meter-commands.ts.
import { FaultProxy } from '../../../testkit/src/fault-proxy.js';
import { type Answer, SPOIL_NAMES, SPOILS, type Spoil } from './spoiled-answers.js';

const spoilers = new Map<string, Map<Spoil, FaultProxy>>();

/** The real answer as the spoil turns it (a string is sent as the raw body). */
function spoiled(spoil: Spoil, text: string): string {
  const answer = SPOILS[spoil](JSON.parse(text) as Answer);
  return typeof answer === 'string' ? answer : JSON.stringify(answer);
}

/** Starts one spoiling proxy per spoil in front of the run's token server; returns their base URLs. */
async function spoiledAnswersStart(ctx: BrowserCommandContext): Promise<Record<Spoil, string>> {
  await spoiledAnswersStop(ctx);
  const tokenServerUrl = ctx.project.getProvidedContext().tokenServer.url;
  const proxies = new Map<Spoil, FaultProxy>();
  spoilers.set(ctx.sessionId, proxies);
  for (const spoil of SPOIL_NAMES) {
    proxies.set(
      spoil,
      await FaultProxy.start(tokenServerUrl, () => ({ rewrite: (text) => spoiled(spoil, text) })),
    );
  }
  return Object.fromEntries([...proxies].map(([spoil, proxy]) => [spoil, proxy.url])) as Record<
    Spoil,
    string
  >;
}

/** Token requests (POST /credentials) each spoiling proxy received. */
async function spoiledAnswersCounts(ctx: BrowserCommandContext): Promise<Record<string, number>> {
  const proxies = spoilers.get(ctx.sessionId);
  if (!proxies) throw new Error('spoiledAnswersStart was not called');
  return Object.fromEntries(
    [...proxies].map(([spoil, proxy]) => [
      spoil,
      proxy.seen.filter((r) => r.method === 'POST' && r.url.endsWith('/credentials')).length,
    ]),
  );
}

async function spoiledAnswersStop(ctx: BrowserCommandContext): Promise<void> {
  const proxies = spoilers.get(ctx.sessionId);
  spoilers.delete(ctx.sessionId);
  await Promise.all([...(proxies?.values() ?? [])].map((proxy) => proxy.close()));
}

export const spoiledAnswersCommands = { spoiledAnswersStart, spoiledAnswersCounts, spoiledAnswersStop };

declare module 'vitest/browser' {
  interface BrowserCommands {
    spoiledAnswersStart(): Promise<Record<Spoil, string>>;
    spoiledAnswersCounts(): Promise<Record<string, number>>;
    spoiledAnswersStop(): Promise<void>;
  }
}
