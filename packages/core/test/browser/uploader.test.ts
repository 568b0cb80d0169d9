// The engine in real Chromium: XHR byte progress, IndexedDB resume records, online/offline,
// against the run's real backend and token server. The uplink is slowed with the DevTools
// protocol (not a mock) so that progress has something to report between part boundaries.
import { throttleUplink } from '@s3up/testkit/chromium-network';
import type {} from '@s3up/testkit/provided-token-server';
import { seededBytes as bytes } from '@s3up/testkit/seeded-bytes';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { IndexedDbResumeStore, Uploader, type UploaderOptions, type UploadTask } from '../../src/index.js';
import { settled } from '../support/harness-events.js';
import { partRequests } from '../support/part-requests.js';
import { readerFor } from '../support/read-back.js';
import { testUser, tokenCredentials } from '../support/token.js';

const tokenServer = inject('tokenServer');
const MiB = 1024 * 1024;

afterEach(async () => {
  await throttleUplink(null);
});

async function uploaderFor(user: string, options: Partial<UploaderOptions> = {}): Promise<Uploader> {
  return new Uploader({
    credentials: await tokenCredentials(tokenServer, user),
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 50, maxDelay: 500 },
    ...options,
  });
}

/** Reads an object back with the user's own read-scope credentials (CORS allows GET). */
async function readBack(user: string, key: string): Promise<Uint8Array> {
  const reader = await readerFor(tokenServer, user);
  try {
    return (await reader.get(key)).bytes;
  } finally {
    reader.close();
  }
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('in Chromium', () => {
  it('reports progress byte by byte through XHR, monotonic and never above the size', async () => {
    const user = testUser('progress');
    const up = await uploaderFor(user, { concurrency: 2 });
    const data = bytes(12 * MiB, 7);
    await throttleUplink(8 * MiB);
    const seen: number[] = [];
    let overallMax = 0;
    up.addEventListener('upload-progress', (e) => {
      seen.push(e.detail.task.bytesUploaded);
      expect(e.detail.overall.bytesUploaded).toBeLessThanOrEqual(e.detail.overall.totalBytes);
      overallMax = Math.max(overallMax, e.detail.overall.bytesUploaded);
    });
    const task = up.add(new File([data], 'progress.bin', { lastModified: 1 }));
    await settled(up, task);
    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    // Byte-level: many reports, most of them inside a part rather than at its end.
    const boundaries = new Set([5 * MiB, 10 * MiB, 12 * MiB]);
    const inside = seen.filter((n) => n > 0 && !boundaries.has(n) && n % (5 * MiB) !== 0);
    expect(inside.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(Math.max(...seen)).toBe(data.length);
    expect(overallMax).toBe(data.length);
    expect(equal(await readBack(user, task.key!), data)).toBe(true);
    await up.destroy();
  });

  it('announces the first part handed to the browser with an upload-progress event, before any byte is counted', async () => {
    // A UI that holds its first draw until the upload's requests are out (the element's new
    // rows, issue 21's first byte) learns of it then, not at the browser's first progress
    // event, which comes tens of milliseconds after the first bytes.
    const user = testUser('first-part-out');
    const up = await uploaderFor(user, { concurrency: 1 });
    const data = bytes(6 * MiB, 11);
    await throttleUplink(8 * MiB);
    const urls = new WeakMap<XMLHttpRequest, string>();
    let partsSent = 0;
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
      urls.set(this, String(args[1]));
      return (open as (...a: unknown[]) => void).apply(this, args);
    } as typeof open;
    XMLHttpRequest.prototype.send = function (
      this: XMLHttpRequest,
      body?: Document | XMLHttpRequestBodyInit | null,
    ) {
      if (urls.get(this)?.includes('partNumber=')) partsSent += 1;
      return send.call(this, body);
    };
    try {
      let first: { bytes: number; partsSent: number } | undefined;
      up.addEventListener('upload-progress', (e) => {
        first ??= { bytes: e.detail.task.bytesUploaded, partsSent };
      });
      const task = up.add(new File([data], 'first-part-out.bin', { lastModified: 5 }));
      await settled(up, task);
      expect(task.state).toBe('succeeded');
      expect(first).toEqual({ bytes: 0, partsSent: 1 });
    } finally {
      XMLHttpRequest.prototype.open = open;
      XMLHttpRequest.prototype.send = send;
      await up.destroy();
    }
  });

  it('pauses on the window offline event and finishes after online', async () => {
    const user = testUser('offline');
    const up = await uploaderFor(user, { concurrency: 1 });
    const data = bytes(11 * MiB, 3);
    await throttleUplink(4 * MiB);
    const reasons: string[] = [];
    up.addEventListener('upload-paused', (e) => reasons.push(e.detail.reason));
    const task = up.add(new File([data], 'offline.bin', { lastModified: 2 }));
    await new Promise<void>((resolve) =>
      up.addEventListener('upload-progress', () => {
        if (task.bytesUploaded > 1 * MiB) resolve();
      }),
    );
    // The browser's own offline event (DevTools offline emulation would also cut the test
    // runner's connection to this page). The uploader listens on window by default.
    window.dispatchEvent(new Event('offline'));
    await expect.poll(() => task.state).toBe('paused');
    expect(reasons).toEqual(['offline']);
    await throttleUplink(null);
    window.dispatchEvent(new Event('online'));
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(equal(await readBack(user, task.key!), data)).toBe(true);
    await up.destroy();
  });

  it('looks a record up without creating the database: a profile that never stored one pays no open on the first upload', async () => {
    const name = `s3up-test-empty-${crypto.randomUUID()}`;
    const listed = async () => (await indexedDB.databases()).some((db) => db.name === name);
    const store = new IndexedDbResumeStore(name);
    expect(await store.get('fingerprint-a')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    // Asking created nothing on disk (issue 21: the open was 10 to 20 ms of the first upload's path).
    expect(await listed()).toBe(false);
    const record = {
      fingerprint: 'fingerprint-a',
      bucket: 'b',
      key: 'users/u/a.bin',
      uploadId: 'u-1',
      partSize: 5 * MiB,
      created: Date.now(),
      size: 12 * MiB,
    };
    await store.set(record);
    expect(await listed()).toBe(true);
    // Another store of the same name (a reload) finds what the first one wrote.
    const again = new IndexedDbResumeStore(name);
    expect(await again.get('fingerprint-a')).toEqual(record);
    expect(await again.list()).toEqual([record]);
    await store.close();
    await again.close();
    await new Promise((resolve) => {
      const deleting = indexedDB.deleteDatabase(name);
      deleting.onsuccess = deleting.onerror = deleting.onblocked = resolve;
    });
  });

  it('resumes from the IndexedDB record after the page state is gone, sending only the missing parts', async () => {
    const user = testUser('idb');
    const dbName = `s3up-test-${user}`;
    const data = bytes(20 * MiB, 11);
    const pick = () => new File([data], 'idb.bin', { type: 'application/octet-stream', lastModified: 3 });

    await throttleUplink(10 * MiB);
    const firstStore = new IndexedDbResumeStore(dbName);
    const first = await uploaderFor(user, { concurrency: 1, resumeStore: firstStore });
    const interrupted = first.add(pick());
    // One connection: part 3 starts only once part 2 is stored. Stop inside part 3.
    await new Promise<void>((resolve) =>
      first.addEventListener('upload-progress', () => {
        if (interrupted.bytesUploaded > 10 * MiB + 256 * 1024 && interrupted.state === 'uploading') {
          // At once: a reload keeps no part in flight.
          first.pause(interrupted.id, { now: true });
          resolve();
        }
      }),
    );
    const [record] = await firstStore.list();
    expect(record?.key).toBe(interrupted.key);
    // What a reload leaves: nothing in memory, the database on disk, and no tab holding the
    // record's Web Lock (#14 item 3; a paused task of a live uploader keeps it).
    await first.destroy({ keepResumable: true });
    await firstStore.close();
    await throttleUplink(null);

    performance.clearResourceTimings();
    const second = await uploaderFor(user, { concurrency: 1, resumeStore: new IndexedDbResumeStore(dbName) });
    const task: UploadTask = second.add(pick());
    await settled(second, task);
    expect(task.error).toBeUndefined();
    expect(task.resumed).toBe(true);
    expect(task.key).toBe(record!.key);
    expect(partRequests()).toEqual([3, 4]);
    expect(equal(await readBack(user, task.key!), data)).toBe(true);
    expect(await new IndexedDbResumeStore(dbName).list()).toEqual([]);
    await second.destroy();
  });
});
