// Issue #14 item 3: a paused task lets go of its file's Web Lock. Two real top-level pages of
// one browser context (two tabs: one origin, one IndexedDB, one Web Locks manager): tab A
// uploads a file and pauses it; tab B adds the same file, takes the stored upload over (no
// waiting for as long as A stays paused) and completes it; A's Resume claims the record
// again and reports the file stored elsewhere. Every S3 request goes through the wire meter,
// so "one UploadId, one object" is counted on the wire, not taken from the pages' word.

import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import type {} from '@s3up/testkit/wire-meter-commands';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import type {} from '../support/extra-pages-commands.js';
import { testUser } from '../support/token.js';
import { HAND_OVER_CHANNEL, type HandOverCommand, type HandOverEvent } from './fixtures/hand-over-shared.js';
import { roundFile } from './fixtures/two-tabs-shared.js';

const tokenServer = inject('tokenServer');
const MiB = 1024 * 1024;
// Three parts (5 MiB, 5 MiB, 2 bytes): A pauses with parts left.
const SIZE = 10 * MiB + 2;

const channel = new BroadcastChannel(HAND_OVER_CHANNEL);
let token: string;
let prefix: string;
let pages: [string, string];

function next<K extends HandOverEvent['kind']>(
  kind: K,
  test: (m: Extract<HandOverEvent, { kind: K }>) => boolean = () => true,
  count = 1,
): Promise<Extract<HandOverEvent, { kind: K }>[]> {
  return new Promise((resolve) => {
    const got: Extract<HandOverEvent, { kind: K }>[] = [];
    const listener = (event: MessageEvent<HandOverEvent>) => {
      const m = event.data as Extract<HandOverEvent, { kind: K }>;
      if (m?.kind !== kind || !test(m)) return;
      got.push(m);
      if (got.length === count) {
        channel.removeEventListener('message', listener);
        resolve(got);
      }
    };
    channel.addEventListener('message', listener);
  });
}
const send = (command: HandOverCommand) => channel.postMessage(command);

async function sha256(data: ArrayBuffer | Blob): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

async function readBack(key: string): Promise<ArrayBuffer> {
  const presigned = await fetch(`${tokenServer.url}/presign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'GET', key: key.slice(prefix.length), expiresIn: 300 }),
  });
  const { url } = (await presigned.json()) as { url: string };
  return (await fetch(url)).arrayBuffer();
}

beforeAll(async () => {
  const user = testUser('hand-over');
  prefix = `users/${user}/`;
  token = await mintToken(tokenServer.jwt, user, { expiresIn: '1h' });
  const loaded = next('loaded', undefined, 2);
  // 16 MiB/s each: a 5 MiB part takes about 300 ms, so B is still uploading when A resumes.
  await commands.openPages(new URL('./fixtures/hand-over-page.html', import.meta.url).href, 2, 16 * MiB);
  pages = (await loaded).map((m) => m.page) as [string, string];
  const ready = next('ready', undefined, 2);
  send({
    kind: 'setup',
    url: `${tokenServer.url}/credentials`,
    token,
    meterUrl: await commands.wireMeterStart(),
    dbName: `s3up-hand-over-${user}`,
  });
  expect((await ready).map((r) => r.warm)).toEqual(['succeeded', 'succeeded']);
});

afterAll(async () => {
  await commands.closePages();
  await commands.wireMeterStop();
  channel.close();
});

/**
 * A pauses; B adds the same file and completes A's stored upload; A resumes once B has
 * finished (`afterB`) or while B is still sending (A then waits for B's lock).
 */
async function handOver(round: number, resumeA: 'after B completed' | 'while B uploads') {
  const [a, b] = pages;
  const before = (await commands.wireMeterReport()).requests.length;
  const paused = next('paused', (m) => m.page === a && m.round === round);
  send({ kind: 'add', page: a, round, size: SIZE, pause: true });
  const [aPaused] = await paused;
  expect(aPaused!.bytes).toBeLessThan(SIZE);

  const bUploading = next('uploading', (m) => m.page === b && m.round === round);
  const bReport = next('report', (m) => m.page === b && m.round === round);
  const aReport = next('report', (m) => m.page === a && m.round === round);
  send({ kind: 'add', page: b, round, size: SIZE, pause: false });
  if (resumeA === 'while B uploads') await bUploading;
  else await bReport;
  send({ kind: 'resume', page: a, round });
  const [bDone] = await bReport;
  const [aDone] = await aReport;
  const label = `round ${round}: ${JSON.stringify([aDone, bDone])}`;

  // B took the upload A paused over (while A stayed paused) and completed it; A reports the
  // file stored (by the other tab), not failed and not uploaded again.
  expect([aDone!.state, bDone!.state], label).toEqual(['succeeded', 'succeeded']);
  expect([aDone!.key, bDone!.key], label).toEqual([aPaused!.key, aPaused!.key]);
  expect([aDone!.completedElsewhere, bDone!.completedElsewhere], label).toEqual([true, false]);

  // On the wire: one upload (A's Create), every part and the one successful Complete under its UploadId, no PutObject.
  const requests = (await commands.wireMeterReport()).requests.slice(before);
  const creates = requests.filter((r) => r.operation === 'CreateMultipartUpload');
  expect(creates.length, label).toBe(1);
  expect(
    requests.map((r) => r.operation),
    label,
  ).not.toContain('PutObject');
  const uploadIds = new Set(requests.filter((r) => r.uploadId).map((r) => r.uploadId));
  expect(uploadIds.size, label).toBe(1);
  const completes = requests.filter((r) => r.operation === 'CompleteMultipartUpload');
  expect(
    completes.map((r) => r.status),
    label,
  ).toEqual([200]);
  // B sent the parts A had not stored; A sent nothing after its Resume but the claim's checks.
  expect(await sha256(await readBack(aPaused!.key!)), label).toBe(await sha256(roundFile(round, SIZE)));
}

it('a paused tab lets go of the upload: the other tab completes it, the paused one then reports it stored', async () => {
  await handOver(1, 'after B completed');
});

it('resumed while the other tab uploads it: waits for that tab, then reports it stored', async () => {
  await handOver(2, 'while B uploads');
  // Nothing left open under the user's prefix.
  expect(await commands.wireMeterOpenUploads(prefix)).toEqual([]);
});

it('cancelled after the other tab took it over: the upload is left to that tab, which completes it', async () => {
  const [a, b] = pages;
  const round = 3;
  const before = (await commands.wireMeterReport()).requests.length;
  const paused = next('paused', (m) => m.page === a && m.round === round);
  send({ kind: 'add', page: a, round, size: SIZE, pause: true });
  const [aPaused] = await paused;
  const bUploading = next('uploading', (m) => m.page === b && m.round === round);
  const bReport = next('report', (m) => m.page === b && m.round === round);
  const aReport = next('report', (m) => m.page === a && m.round === round);
  send({ kind: 'add', page: b, round, size: SIZE, pause: false });
  await bUploading;
  send({ kind: 'cancel', page: a, round });
  const [aDone] = await aReport;
  const [bDone] = await bReport;
  const label = JSON.stringify([aDone, bDone]);
  expect([aDone!.state, bDone!.state], label).toEqual(['cancelled', 'succeeded']);
  expect(bDone!.key, label).toBe(aPaused!.key);
  // A's cancel sent no AbortMultipartUpload for the upload B drives: B completed it, whole.
  const requests = (await commands.wireMeterReport()).requests.slice(before);
  const ops = requests.map((r) => r.operation);
  expect(ops, label).not.toContain('AbortMultipartUpload');
  expect(ops.filter((o) => o === 'CreateMultipartUpload').length, label).toBe(1);
  expect(
    requests.filter((r) => r.operation === 'CompleteMultipartUpload').map((r) => r.status),
    label,
  ).toEqual([200]);
  expect(await sha256(await readBack(aPaused!.key!)), label).toBe(await sha256(roundFile(round, SIZE)));
  expect(await commands.wireMeterOpenUploads(prefix)).toEqual([]);
});
