// Browser commands for the element's test of held bad credentials answers
// (packages/element/test/browser/credential-answers.test.ts), registered in the root
// vitest.config.ts's browser project. A real HTTP server in the vitest process stands in
// front of the run's real token server: it forwards each POST /credentials, then spoils the
// real answer the way its path says (`/<spoil>/credentials`) and counts the requests, so the
// page sees a token endpoint that answers 200 with something the engine must not use.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {} from '@s3up/testkit/provided-token-server';
import type { BrowserCommandContext } from 'vitest/node';

import { type Answer, SPOILS, type Spoil } from './spoiled-answers.js';

interface Spoiler {
  server: Server;
  url: string;
  /** POST /credentials requests received, by spoil. */
  counts: Map<string, number>;
}

const spoilers = new Map<string, Spoiler>();

function cors(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  if (origin) response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-allow-methods', 'POST');
  response.setHeader('access-control-allow-headers', 'authorization, content-type');
  response.setHeader('vary', 'origin');
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(
  tokenServerUrl: string,
  counts: Map<string, number>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  cors(request, response);
  const match = /^\/([a-z-]+)\/credentials$/.exec(request.url ?? '');
  const spoil = match && Object.hasOwn(SPOILS, match[1]!) ? SPOILS[match[1] as Spoil] : undefined;
  if (!spoil) return void response.writeHead(404).end();
  if (request.method === 'OPTIONS') return void response.writeHead(204).end();
  if (request.method !== 'POST') return void response.writeHead(405).end();
  counts.set(match![1]!, (counts.get(match![1]!) ?? 0) + 1);
  const real = await fetch(`${tokenServerUrl}/credentials`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    },
    body: new Uint8Array(await body(request)),
  });
  if (real.status !== 200) {
    // Only the answer is spoiled: a refusal of the real server goes through as it is.
    response.writeHead(real.status, { 'content-type': 'application/json' }).end(await real.text());
    return;
  }
  const spoiled = spoil((await real.json()) as Answer);
  response
    .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(typeof spoiled === 'string' ? spoiled : JSON.stringify(spoiled));
}

/** Starts the spoiler in front of the run's token server; returns its base URL. */
async function spoiledAnswersStart(ctx: BrowserCommandContext): Promise<string> {
  await spoiledAnswersStop(ctx);
  const tokenServerUrl = ctx.project.getProvidedContext().tokenServer.url;
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    handle(tokenServerUrl, counts, request, response).catch((error: unknown) => {
      response.writeHead(599).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  spoilers.set(ctx.sessionId, { server, url, counts });
  return url;
}

/** Token requests the spoiler received, by spoil. */
async function spoiledAnswersCounts(ctx: BrowserCommandContext): Promise<Record<string, number>> {
  const spoiler = spoilers.get(ctx.sessionId);
  if (!spoiler) throw new Error('spoiledAnswersStart was not called');
  return Object.fromEntries(spoiler.counts);
}

async function spoiledAnswersStop(ctx: BrowserCommandContext): Promise<void> {
  const spoiler = spoilers.get(ctx.sessionId);
  spoilers.delete(ctx.sessionId);
  if (!spoiler) return;
  spoiler.server.closeAllConnections();
  await new Promise<void>((resolve) => spoiler.server.close(() => resolve()));
}

export const spoiledAnswersCommands = { spoiledAnswersStart, spoiledAnswersCounts, spoiledAnswersStop };

declare module 'vitest/browser' {
  interface BrowserCommands {
    spoiledAnswersStart(): Promise<string>;
    spoiledAnswersCounts(): Promise<Record<string, number>>;
    spoiledAnswersStop(): Promise<void>;
  }
}
