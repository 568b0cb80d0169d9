// Case 16: the network drops in the middle of a part, in real Chromium. The engine's S3
// traffic goes through a TCP proxy in front of the real RGW (support/network-drop-rig.ts):
// after 1 MiB of part 2's body the proxy cuts that connection (and RGW's), cuts every
// other connection and every new one, and Chromium goes offline (playwright's
// context.setOffline: the window gets a real `offline` event and requests fail with
// net::ERR_INTERNET_DISCONNECTED). Five seconds later the network comes back. The upload
// must carry on with the same UploadId, never report failure, and store the file's bytes.
import { Uploader } from '@s3up/core';
import { MiB, randomBytes } from '@s3up/testkit/random-file';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type {} from '../support/network-drop-commands.js';
import type { DropOptions, WireRecord } from '../support/network-drop-rig.js';
import { settled } from './browser-support.js';

afterEach(async () => {
  await commands.networkDropStop();
});

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const isPart = (r: WireRecord, n: number) => r.operation === 'UploadPart' && r.partNumber === n;

/** Uploads 16.5 MiB (3 parts of 5 MiB, one of 1.5 MiB) while the rig drops part 2 after 1 MiB. */
async function uploadThroughDrop(concurrency: number, offline: DropOptions['offline'] = 'with-drop') {
  const user = `netdrop${concurrency}-${Date.now().toString(36)}`;
  const session = await commands.networkDropStart(user, {
    part: 2,
    afterBytes: 1 * MiB,
    // Long enough for the page to see the offline event, fail a probe and pause, and for the
    // engine's first retries of the cut part to be cut too; 5 s proved nothing more.
    offlineMs: 2000,
    offline,
  });

  const connectivity: string[] = [];
  const onOffline = () => connectivity.push(`offline onLine=${navigator.onLine}`);
  const onOnline = () => connectivity.push(`online onLine=${navigator.onLine}`);
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  const data = randomBytes(16.5 * MiB);
  const uploader = new Uploader({
    credentials: {
      url: `${session.tokenServerUrl}/credentials`,
      request: (init) => ({
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${session.token}` },
      }),
    },
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    concurrency,
    resumeStore: null,
    // Everything else as an app gets it: default retries and backoff, window connectivity.
  });
  const seen: string[] = [];
  for (const type of [
    'upload-started',
    'upload-paused',
    'upload-resumed',
    'upload-failed',
    'upload-succeeded',
  ] as const) {
    uploader.addEventListener(type, (e) => {
      const reason = 'reason' in e.detail ? ` (${String(e.detail.reason)})` : '';
      seen.push(`${type}${reason}`);
    });
  }
  const states = new Set<string>();
  uploader.addEventListener('upload-progress', (e) => states.add(e.detail.task.state));

  const task = uploader.add(new File([data], 'dropped.bin', { type: 'application/octet-stream' }));
  const done = settled(uploader, task);

  // The browser really is offline: a request to the (running) token server fails.
  await expect.poll(() => connectivity, { timeout: 60_000, interval: 20 }).toContain('offline onLine=false');
  const probe = await fetch(`${session.tokenServerUrl}/healthz`).then(
    () => 'answered',
    () => 'failed',
  );

  await done;
  states.add(task.state);
  window.removeEventListener('offline', onOffline);
  window.removeEventListener('online', onOnline);
  const report = await commands.networkDropReport(task.key ?? null);
  await uploader.destroy();
  return { user, session, data, task, seen, states, connectivity, probe, report };
}

/** What holds whatever the concurrency: the drop was real, the upload continued, the bytes are exact. */
async function expectContinuedAndExact(run: Awaited<ReturnType<typeof uploadThroughDrop>>): Promise<void> {
  const { user, session, data, task, seen, states, connectivity, probe, report } = run;
  expect(task.error?.message).toBeUndefined();
  expect(task.state).toBe('succeeded');
  expect(states.has('failed')).toBe(false);
  expect(seen).not.toContain('upload-failed');
  expect(seen[0]).toBe('upload-started');
  expect(seen.at(-1)).toBe('upload-succeeded');
  expect(seen).toContain('upload-paused (offline)');
  expect(probe).toBe('failed');
  expect(connectivity).toEqual(['offline onLine=false', 'online onLine=true']);

  expect(report.dropped).toBe(true);
  expect(report.restored).toBe(true);
  // Chromium's own verdict on the probe made while offline.
  expect(report.failed).toContainEqual(
    expect.objectContaining({
      url: `${session.tokenServerUrl}/healthz`,
      errorText: 'net::ERR_INTERNET_DISCONNECTED',
      phase: 'down',
    }),
  );

  const { wire } = report;
  // Part 2's first attempt really died mid-body: 1 MiB of its 5 MiB, connection cut.
  const victim = wire.find((r) => isPart(r, 2))!;
  expect(victim).toMatchObject({
    phase: 'before',
    outcome: 'dropped',
    contentLength: 5 * MiB,
    received: 1 * MiB,
  });

  // One multipart upload, continued to the end: one Create, one UploadId on every part
  // and on the Complete, no Abort.
  const creates = wire.filter((r) => r.operation === 'CreateMultipartUpload');
  expect(creates).toHaveLength(1);
  expect(creates[0]).toMatchObject({ outcome: 'answered', status: 200 });
  const ids = new Set(wire.filter((r) => r.uploadId !== null).map((r) => r.uploadId));
  expect(ids.size).toBe(1);
  expect(wire.filter((r) => r.operation === 'AbortMultipartUpload')).toEqual([]);

  // No restart from zero: a part stored before the drop is never sent again. Every part
  // is stored, whole; none beyond the last; the Complete lists each part once.
  for (const n of [1, 2, 3, 4]) {
    const records = wire.filter((r) => isPart(r, n));
    const stored = records.filter((r) => r.outcome === 'answered' && r.status === 200);
    expect(stored.length, `part ${n} stored`).toBeGreaterThanOrEqual(1);
    for (const r of stored) expect(r.received).toBe(r.contentLength);
    if (stored[0]!.phase === 'before') expect(records, `part ${n} sent once`).toHaveLength(1);
  }
  expect(wire.filter((r) => r.operation === 'UploadPart' && (r.partNumber ?? 0) > 4)).toEqual([]);
  const completes = wire.filter((r) => r.operation === 'CompleteMultipartUpload' && r.status === 200);
  expect(completes).toHaveLength(1);
  expect(completes[0]!.completeParts).toEqual([1, 2, 3, 4]);

  // The object's bytes equal the file: owner's view straight from the backend (hash and
  // size), and every byte read back through a presigned GET.
  expect(report.stored).toEqual({ size: data.length, sha256: await sha256(data) });
  const prefix = `users/${user}/`;
  expect(task.key!.startsWith(prefix)).toBe(true);
  const presign = await fetch(`${session.tokenServerUrl}/presign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', key: task.key!.slice(prefix.length) }),
  });
  expect(presign.status).toBe(200);
  const { url } = (await presign.json()) as { url: string };
  const back = new Uint8Array(await (await fetch(url)).arrayBuffer());
  expect(back.length).toBe(data.length);
  expect(back.every((b, i) => b === data[i])).toBe(true);

  expect(report.leaks).toEqual([]);
}

describe('case 16: the network drops mid-part in Chromium, then comes back', () => {
  it('one connection: part 2 cut after 1 MiB, 2 s offline; part 1 never resent, every part stored once, bytes exact', async () => {
    const run = await uploadThroughDrop(1);
    await expectContinuedAndExact(run);
    const { wire } = run.report;
    // Part 1 was stored before part 2 started: exactly one request for it, before the drop.
    expect(wire.filter((r) => isPart(r, 1))).toEqual([
      expect.objectContaining({ phase: 'before', outcome: 'answered', status: 200 }),
    ]);
    for (const n of [1, 2, 3, 4]) {
      const stored = wire.filter((r) => isPart(r, n) && r.outcome === 'answered' && r.status === 200);
      expect(stored, `part ${n} stored once`).toHaveLength(1);
    }
    // Only part 2 was in flight: every cut request is part 2 (its first attempt, and any retry
    // the engine sent before Chromium's offline event arrived).
    const cut = wire.filter((r) => r.outcome === 'dropped');
    expect(cut[0]).toBe(wire.find((r) => isPart(r, 2)));
    for (const r of cut) expect(isPart(r, 2)).toBe(true);
  });

  it('the connection dies first and Chromium goes offline only after the part failed: retried, not a false CORS failure', async () => {
    // Before the fix (finding F7) the page saw the cut part as an answer with status 0 and
    // failed the upload with "UploadPart 2 … succeeded but its ETag was not readable".
    const run = await uploadThroughDrop(1, 'after-part-failed');
    expect(run.report.offlineAfterPartFailed).toBe(true);
    const partFailure = run.report.failed.findIndex(
      (f) => f.method === 'PUT' && f.url.includes('partNumber=2&'),
    );
    const probeFailure = run.report.failed.findIndex((f) => f.url.endsWith('/healthz'));
    expect(partFailure).toBeGreaterThanOrEqual(0);
    expect(partFailure).toBeLessThan(probeFailure);
    await expectContinuedAndExact(run);
    // Retries of part 2 while the network was down were cut too; part 1 was never resent.
    const { wire } = run.report;
    expect(wire.filter((r) => isPart(r, 1))).toHaveLength(1);
    for (const r of wire.filter((r) => r.outcome === 'dropped')) {
      expect(isPart(r, 2)).toBe(true);
    }
  });

  it('default concurrency: all four parts start together; the parts cut by the drop are resent after it, the others are not', async () => {
    const run = await uploadThroughDrop(6);
    await expectContinuedAndExact(run);
    const { wire } = run.report;
    // Whatever was in flight with part 2 was cut too: mid-body, or after its body while RGW
    // was answering (the answer never reached the browser, so it must be sent again).
    const cut = wire.filter(
      (r) => r.operation === 'UploadPart' && r.outcome === 'dropped' && r.phase === 'before',
    );
    expect(cut.map((r) => r.partNumber)).toContain(2);
    // Each part is stored exactly once after all: a cut one again after the network came back.
    for (const n of [1, 2, 3, 4]) {
      const stored = wire.filter((r) => isPart(r, n) && r.outcome === 'answered' && r.status === 200);
      expect(stored, `part ${n} stored once`).toHaveLength(1);
      if (cut.some((r) => r.partNumber === n)) expect(stored[0]!.phase).toBe('after');
    }
  });
});
