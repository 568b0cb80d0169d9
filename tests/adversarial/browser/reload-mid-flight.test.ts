// Case 20: a reload at 60%, with parts in flight. A page in an iframe uploads a 50 MiB file
// over three connections on a throttled uplink; at 60% the test reloads it (no pause: the
// in-flight parts die with the page, as when a tab is reloaded or crashes), then picks the
// same file again. Real Chromium, the real engine and its IndexedDB record, the real token
// server and backend.
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import { expect, it } from 'vitest';
import { jwtFor, readBack, throttleUplink, tokenServer } from './browser-support.js';
import type { MidFlightCommand, MidFlightReport, WireNote } from './fixtures/reload-mid-flight.js';

const MiB = 1024 * 1024;
const PARTS = 10;
const CONCURRENCY = 3;

function next<T>(test: (data: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent) => {
      if (event.origin !== location.origin || typeof event.data !== 'object' || !test(event.data)) return;
      window.removeEventListener('message', listener);
      resolve(event.data as T);
    };
    window.addEventListener('message', listener);
  });
}

it('resumes on the same UploadId, re-sending at most one part per connection, and the bytes are exact', async () => {
  const user = `midflight-${crypto.randomUUID().slice(0, 8)}`;
  const token = await jwtFor(user);
  const command: MidFlightCommand = {
    run: true,
    url: `${tokenServer.url}/credentials`,
    token,
    dbName: `s3up-midflight-${user}`,
    size: PARTS * 5 * MiB,
    seed: 20,
    concurrency: CONCURRENCY,
  };
  const wire: WireNote[] = [];
  const onWire = (event: MessageEvent) => {
    if (event.origin === location.origin && event.data?.wire) wire.push(event.data as WireNote);
  };
  window.addEventListener('message', onWire);
  const frame = document.createElement('iframe');
  let ready = next<{ page: string }>((d) => d.ready === true);
  frame.src = new URL('./fixtures/reload-mid-flight.html', import.meta.url).href;
  document.body.append(frame);
  const first = await ready;

  // About 25 MiB/s: the reload lands while parts are on the wire, not between them.
  await throttleUplink(25 * MiB);
  const sixtyPercent = next<{ progress: number }>((d) => d.page === first.page && Number(d.progress) >= 0.6);
  frame.contentWindow!.postMessage(command, location.origin);
  await sixtyPercent;
  ready = next<{ page: string }>((d) => d.ready === true);
  frame.contentWindow!.location.reload();
  const second = await ready;
  await throttleUplink(null);

  const before = wire.filter((n) => n.page === first.page);
  const finishedBefore = new Set(
    before.filter((n) => n.wire === 'end' && n.part !== null && n.status === 200).map((n) => n.part),
  );
  const startedBefore = new Set(
    before.filter((n) => n.wire === 'start' && n.part !== null).map((n) => n.part),
  );
  // The reload did cut parts on the wire: some had started and not finished.
  const cut = [...startedBefore].filter((p) => !finishedBefore.has(p));
  expect(cut.length).toBeGreaterThan(0);
  expect(finishedBefore.size).toBeGreaterThanOrEqual(PARTS * 0.6 - CONCURRENCY);

  const reported = next<MidFlightReport>((d) => d.report === true && d.page === second.page);
  frame.contentWindow!.postMessage(command, location.origin);
  const report = await reported;
  window.removeEventListener('message', onWire);
  frame.remove();

  expect(report.error).toBeUndefined();
  expect(report.state).toBe('succeeded');
  expect(report.resumed).toBe(true);
  const after = wire.filter((n) => n.page === second.page);
  // Same multipart upload: no new one was created, and every request names the first's UploadId.
  const createdBefore = before.filter((n) => n.wire === 'start' && n.method === 'POST' && !n.uploadId);
  expect(createdBefore).toHaveLength(1);
  expect(after.filter((n) => n.wire === 'start' && n.method === 'POST' && !n.uploadId)).toEqual([]);
  const uploadIds = new Set([...before, ...after].filter((n) => n.uploadId).map((n) => n.uploadId));
  expect(uploadIds.size).toBe(1);
  // Only what was missing went again: parts whose answer the first page saw are not re-sent,
  // and at most one part per connection (those on the wire at the reload) is sent twice.
  const sentAfter = after.filter((n) => n.wire === 'start' && n.part !== null).map((n) => n.part!);
  expect(sentAfter.filter((p) => finishedBefore.has(p))).toEqual([]);
  expect(sentAfter.filter((p) => startedBefore.has(p)).length).toBeLessThanOrEqual(CONCURRENCY);
  // Every part is stored at the end (the bytes below), and none was sent needlessly: what
  // went after the reload was missing. (Parts cut on the wire may turn out stored in full;
  // the engine then finds them with ListParts and does not send them again.)
  const missing = Array.from({ length: PARTS }, (_, i) => i + 1).filter((p) => !finishedBefore.has(p));
  expect(sentAfter.every((p) => missing.includes(p))).toBe(true);
  expect(new Set(sentAfter).size).toBe(sentAfter.length);
  console.log(
    'DEBUG',
    JSON.stringify({
      cut,
      finishedBefore: [...finishedBefore],
      sentAfter,
      after: after.filter((n) => n.wire === 'start'),
    }),
  );

  const stored = await readBack(token, `users/${user}/`, report.key!);
  const expected = seededBytes(command.size, command.seed);
  expect(stored.length).toBe(expected.length);
  expect(stored.every((byte, i) => byte === expected[i])).toBe(true);
}, 120_000);
