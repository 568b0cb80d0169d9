import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { Uploader } from '@s3up/core';
import {
  isLocalS3Up,
  killGateway,
  type LocalS3,
  restartGateway,
  restartLocalS3,
  startGateway,
  startLocalS3,
  stopLocalS3,
} from '@s3up/testkit';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import { MiB, randomFile } from '@s3up/testkit/random-file';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineFor, settled } from '../support/engine-under-test.js';
import { bytesOf, exists, ownerClient } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 21: the local backend restarted mid-upload. The gateway (radosgw) of a cluster of
// this file's own is killed with SIGKILL, as a crash would, and started again; its mon and
// OSD keep running, so stored objects and open multipart uploads survive, as they would on
// a real S3-compatible server whose gateway restarts. S3 goes through a recording proxy
// only to time the crash (when it sees part 2, or Complete) and to count requests; it
// forwards every request untouched, except in the last test, where it drops Complete's answer.
const run = randomBytes(4).toString('hex');

let local: LocalS3;
let s3: FaultProxy;
let server: TokenServerUnderTest;
/** A restart running in the background, awaited before the next test. */
let restarting: Promise<void> | undefined;

beforeAll(async () => {
  // Its own cluster: restarting the run's shared one would break every other test.
  local = await startLocalS3();
  s3 = await FaultProxy.start(local.endpoint);
  server = await TokenServerUnderTest.start(local, {
    // `read` too: the engine checks the stored size with HeadObject (verify: true).
    server: { endpoint: s3.url, scopes: ['upload', 'read'] },
  });
}, 180_000);
afterAll(async () => {
  await server?.close();
  await s3?.close();
  if (local) await stopLocalS3(local);
});
afterEach(async () => {
  s3.rule = () => undefined;
  await restarting?.catch(() => undefined);
  restarting = undefined;
  // A test that failed half-way must not leave the next one without a gateway.
  if (!(await isLocalS3Up(local))) await startGateway(local);
}, 120_000);

const rgwPid = () => readFileSync(join(local.dir, 'run', 'rgw.pid'), 'utf8').trim();

/** Starts a crash-and-restart in the background; resolves once the gateway is dead. */
function crashAndRestart(downMs: number): Promise<void> {
  let down!: () => void;
  const dead = new Promise<void>((resolve) => {
    down = resolve;
  });
  restarting = restartGateway(local, { downMs, onDown: down });
  return Promise.race([dead, restarting]);
}

/** The UploadIds of the multipart uploads still open under `key`, as the bucket owner lists them. */
async function openUploads(key: string): Promise<string[]> {
  const out = await ownerClient(local).send(
    new ListMultipartUploadsCommand({ Bucket: local.bucket, Prefix: key }),
  );
  return (out.Uploads ?? []).filter((u) => u.Key === key).map((u) => u.UploadId!);
}

async function storedSize(key: string): Promise<number | undefined> {
  const head = await ownerClient(local).send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }));
  return head.ContentLength;
}

/** What the engine announced: keys it said were stored, codes it said failed. */
function announced(uploader: Uploader) {
  const seen = { succeeded: [] as string[], failed: [] as string[] };
  uploader.addEventListener('upload-succeeded', (e) => seen.succeeded.push(e.detail.key));
  uploader.addEventListener('upload-failed', (e) => seen.failed.push(e.detail.error.code));
  return seen;
}

// Enough retries to outlast a gateway restart many times over (about 1 s of backoff each,
// at most 2 s: 40 of them are ~40 s), for the cases where the engine should ride it out.
const patient = { retry: { retries: 40, baseDelay: 1000, maxDelay: 2000 } };

describe('case 21: the local backend restarted mid-upload', () => {
  it('gateway down longer than the retries: the task fails with a network error, nothing is stored or announced; retry() after the restart stores the exact bytes and leaves no open upload', async () => {
    const from = s3.seen.length;
    let crashed = false;
    s3.rule = async (r) => {
      if (!crashed && r.operation === 'UploadPart' && r.partNumber === 2) {
        crashed = true;
        await killGateway(local); // and it stays down until the engine has given up
      }
      return undefined;
    };
    const { uploader } = engineFor(server, `down${run}`);
    const said = announced(uploader);
    const { file, bytes } = randomFile(16 * MiB, 'outage.bin');
    const task = await settled(uploader, uploader.add(file));

    expect(crashed).toBe(true);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('network');
    expect(task.error?.message).toMatch(/failed before S3 answered/);
    expect(said).toEqual({ succeeded: [], failed: ['network'] });
    const key = task.key!;
    const failedUploadId = s3.seen.slice(from).find((c) => c.operation === 'UploadPart')!.uploadId!;

    await startGateway(local);
    expect(await exists(local, key)).toBe(false);
    // The abort sent at the failure could not reach the dead gateway: the upload is still open.
    expect(await openUploads(key)).toEqual([failedUploadId]);

    uploader.retry(task.id);
    const retried = await settled(uploader, task);
    expect(retried.error).toBeUndefined();
    expect(retried.state).toBe('succeeded');
    expect(retried.verified).toBe(true);
    expect(said).toEqual({ succeeded: [key], failed: ['network'] });
    expect((await bytesOf(local, key)).equals(bytes)).toBe(true);
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CreateMultipartUpload')).toHaveLength(2);
    // The failed upload's parts are not left behind: the abort that could not reach the
    // crashed gateway is sent again before the new upload starts.
    expect(await openUploads(key)).toEqual([]);
    expect(
      calls.filter((c) => c.operation === 'AbortMultipartUpload' && c.uploadId === failedUploadId).length,
    ).toBeGreaterThanOrEqual(1);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 120_000);

  it('a blip shorter than the retry budget: the upload rides it out on one UploadId and stores the exact bytes', async () => {
    const from = s3.seen.length;
    const before = rgwPid();
    let crashed = false;
    s3.rule = async (r) => {
      if (!crashed && r.operation === 'UploadPart' && r.partNumber === 2) {
        crashed = true;
        await crashAndRestart(1000);
      }
      return undefined;
    };
    const { uploader } = engineFor(server, `blip${run}`, patient);
    const said = announced(uploader);
    const { file, bytes } = randomFile(16 * MiB, 'blip.bin');
    const task = await settled(uploader, uploader.add(file));
    await restarting;

    expect(crashed).toBe(true);
    expect(rgwPid()).not.toBe(before);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    expect(said).toEqual({ succeeded: [task.key], failed: [] });
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CreateMultipartUpload')).toHaveLength(1);
    expect(new Set(calls.filter((r) => r.uploadId).map((r) => r.uploadId)).size).toBe(1);
    // Part 2 reached the dead gateway and was sent again after the restart.
    expect(calls.filter((c) => c.operation === 'UploadPart' && c.partNumber === 2).length).toBeGreaterThan(1);
    expect(calls.filter((c) => c.operation === 'AbortMultipartUpload')).toHaveLength(0);
    expect((await bytesOf(local, task.key!)).equals(bytes)).toBe(true);
    expect(await openUploads(task.key!)).toEqual([]);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 120_000);

  it('a crash between the last part and Complete: Complete is sent again after the restart; succeeded only with the object stored at the right size, bytes exact', async () => {
    const from = s3.seen.length;
    let crashed = false;
    s3.rule = async (r) => {
      if (!crashed && r.operation === 'CompleteMultipartUpload') {
        crashed = true;
        await crashAndRestart(1000);
      }
      return undefined;
    };
    const { uploader } = engineFor(server, `complete${run}`, patient);
    const said = announced(uploader);
    const { file, bytes } = randomFile(11 * MiB, 'complete.bin');
    const task = await settled(uploader, uploader.add(file));
    await restarting;

    expect(crashed).toBe(true);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(said).toEqual({ succeeded: [task.key], failed: [] });
    const calls = s3.seen.slice(from);
    expect(calls.filter((c) => c.operation === 'CompleteMultipartUpload').length).toBeGreaterThan(1);
    expect(new Set(calls.filter((r) => r.uploadId).map((r) => r.uploadId)).size).toBe(1);
    expect(await storedSize(task.key!)).toBe(file.size);
    expect((await bytesOf(local, task.key!)).equals(bytes)).toBe(true);
    expect(await openUploads(task.key!)).toEqual([]);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 120_000);

  it('a crash during Complete (the gateway completed, the answer was lost, it is down when Complete is sent again): succeeded once the re-sent Complete is answered and HeadObject finds the right size, bytes exact', async () => {
    const from = s3.seen.length;
    let completes = 0;
    s3.rule = async (r) => {
      if (r.operation !== 'CompleteMultipartUpload') return undefined;
      completes += 1;
      // The first Complete is carried out by the gateway, then the connection dies before
      // the answer; the gateway is down when the engine sends it again.
      if (completes === 1) return { dropAnswer: true };
      if (completes === 2) await crashAndRestart(1000);
      return undefined;
    };
    const { uploader } = engineFor(server, `lost${run}`, patient);
    const said = announced(uploader);
    const { file, bytes } = randomFile(11 * MiB, 'lost-answer.bin');
    const task = await settled(uploader, uploader.add(file));
    await restarting;

    expect(completes).toBeGreaterThan(1);
    const key = task.key!;
    // The object is in the bucket either way (the first Complete did it).
    expect(await storedSize(key)).toBe(file.size);
    expect((await bytesOf(local, key)).equals(bytes)).toBe(true);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    expect(task.verified).toBe(true);
    expect(said).toEqual({ succeeded: [key], failed: [] });
    const calls = s3.seen.slice(from);
    expect(new Set(calls.filter((r) => r.uploadId).map((r) => r.uploadId)).size).toBe(1);
    // RGW answers a Complete sent again for an upload it already completed with 200.
    const lastComplete = calls.findLastIndex((c) => c.operation === 'CompleteMultipartUpload');
    expect(calls[lastComplete]?.status).toBe(200);
    expect(calls.slice(lastComplete).some((c) => c.operation === 'HeadObject' && c.status === 200)).toBe(
      true,
    );
    expect(await openUploads(key)).toEqual([]);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 120_000);
});

describe('case 21: the whole local backend restarted mid-upload (memstore: everything lost)', () => {
  // Last in the file: the restart wipes every object of this file's cluster.
  it('fails with access-denied (the session died with the backend), nothing stored or announced; retry() has the token server replace the dead session it cached, and stores the exact bytes', async () => {
    const from = s3.seen.length;
    const assumed = server.sts.count('AssumeRole');
    let restarted = false;
    s3.rule = async (r) => {
      if (!restarted && r.operation === 'UploadPart' && r.partNumber === 2) {
        restarted = true;
        // Same endpoint, keys, bucket and role, provisioned afresh; part 2 waits here meanwhile.
        await restartLocalS3(local);
      }
      return undefined;
    };
    // One part at a time: part 1 is stored before the restart, nothing else is in flight.
    const { uploader } = engineFor(server, `full${run}`, { concurrency: 1 });
    const said = announced(uploader);
    const { file, bytes } = randomFile(16 * MiB, 'full-restart.bin');
    const task = await settled(uploader, uploader.add(file));

    expect(restarted).toBe(true);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('access-denied');
    expect(task.error?.status).toBe(403);
    expect(task.error?.message).toMatch(/no longer valid on the server .* retry\(\) mends/);
    expect(said).toEqual({ succeeded: [], failed: ['access-denied'] });
    const key = task.key!;
    expect(await exists(local, key)).toBe(false);
    expect(await openUploads(key)).toEqual([]);

    // The token server still caches the dead session; nobody clears it. The retry tells the
    // endpoint which session S3 refused (`refusedAccessKeyId`), and the token server replaces it.
    uploader.retry(task.id);
    const retried = await settled(uploader, task);
    expect(retried.error).toBeUndefined();
    expect(retried.state).toBe('succeeded');
    expect(retried.verified).toBe(true);
    expect(said).toEqual({ succeeded: [key], failed: ['access-denied'] });
    expect(server.sts.count('AssumeRole')).toBeGreaterThan(assumed + 1);
    const replaced = server.log
      .records()
      .filter((l) => l.event === 'credentials.issued' && l.userId === `full${run}` && l.replacedAccessKeyId);
    expect(replaced).toHaveLength(1);
    expect((await bytesOf(local, key)).equals(bytes)).toBe(true);
    expect(s3.seen.slice(from).filter((c) => c.operation === 'CreateMultipartUpload')).toHaveLength(2);
    expect(await openUploads(key)).toEqual([]);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 180_000);
});
