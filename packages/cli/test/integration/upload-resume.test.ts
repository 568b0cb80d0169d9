import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import { FaultProxy, type SeenRequest } from '@s3up/testkit/fault-proxy';
import { mintToken } from '@s3up/testkit/jwt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { s3up } from '../support/cli-harness.js';

// Ctrl-C during `s3up upload`, then the same command again: the second run must continue
// the same multipart upload (same UploadId, no CreateMultipartUpload), send only the parts
// S3 does not have yet, and store the file byte for byte. Everything is counted on the
// wire, by a proxy between the real binary and the real token server and S3.
const local = inject('localS3');
const tokenServer = inject('tokenServer');
const MiB = 1024 * 1024;
const PARTS = 4;
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

let dir: string;
let file: string;
let sha: string;
/** In front of the token server: its answers point S3 at `s3Proxy`. */
let tokenProxy: FaultProxy;
/** In front of S3: every request counted on the wire, and parts held in run 1. */
let s3Proxy: FaultProxy;
/** Where run 2's requests start in `s3Proxy.seen`. */
let run2From = Number.POSITIVE_INFINITY;
/**
 * Hold UploadPart requests once this many parts were stored (run 1 only): the Ctrl-C then lands
 * mid-upload. With --concurrency 2 the fourth part is requested only after two are stored.
 */
let holdAfter: number | undefined = 2;
let onHeld: (() => void) | undefined;
/** Run 1's held UploadParts: never forwarded, so S3 never saw them. */
const held = new Set<SeenRequest>();

/** The UploadPart requests of a run: a held one has no status (never answered). */
function partsOf(run: 1 | 2): SeenRequest[] {
  const seen = run === 1 ? s3Proxy.seen.slice(0, run2From) : s3Proxy.seen.slice(run2From);
  return seen.filter((r) => r.operation === 'UploadPart');
}

function createsIn(run: 1 | 2): number {
  const seen = run === 1 ? s3Proxy.seen.slice(0, run2From) : s3Proxy.seen.slice(run2From);
  return seen.filter((r) => r.operation === 'CreateMultipartUpload').length;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-cli-resume-'));
  file = join(dir, 'archive.bin');
  const bytes = randomBytes(PARTS * 5 * MiB);
  sha = createHash('sha256').update(bytes).digest('hex');
  await writeFile(file, bytes);
  s3Proxy = await FaultProxy.start(local.endpoint, (request) => {
    if (request.operation !== 'UploadPart' || holdAfter === undefined) return undefined;
    const stored = partsOf(1).filter((p) => p.status === 200).length;
    if (stored < holdAfter) return undefined;
    // Never answered: the client sees a slow link, then Ctrl-C aborts it.
    held.add(request);
    onHeld?.();
    return { hang: true };
  });
  // The token server's answer, with S3 pointed at the S3 proxy.
  tokenProxy = await FaultProxy.start(tokenServer.url, () => ({
    rewrite: (text) => JSON.stringify({ ...JSON.parse(text), endpoint: s3Proxy.url, forcePathStyle: true }),
  }));
});

afterAll(async () => {
  await Promise.all([tokenProxy.close(), s3Proxy.close()]);
  await rm(dir, { recursive: true, force: true });
});

function start(token: string): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@s3up/source',
      bin,
      'upload',
      file,
      '--to',
      'resumed/',
      '--part-size',
      '5',
      '--concurrency',
      '2',
      '--json',
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: dir,
        S3UP_TOKEN_URL: `${tokenProxy.url}/credentials`,
        S3UP_TOKEN: token,
        S3UP_RESUME_FILE: join(dir, 'uploads.json'),
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => (stdout += c));
  child.stderr?.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe('s3up upload: Ctrl-C pauses, the same command resumes', () => {
  it('continues the same UploadId, sends only the missing parts, and stores the exact bytes', {
    timeout: 120_000,
  }, async () => {
    const token = await mintToken(tokenServer.jwt, `cli-resume-${randomBytes(3).toString('hex')}`);

    const first = start(token);
    await new Promise<void>((resolve) => {
      onHeld = resolve;
    });
    // Ctrl-C once every part of run 1 is either held or answered. A part still in flight at
    // Ctrl-C may be stored by S3 after the proxy dropped it (its whole body was forwarded, the
    // answer never comes back): S3 has it, run 2 rightly skips it, and nothing on the wire
    // says run 1 stored it. Under load that made this test count [1, 3, 4] (part 2 stored
    // unseen) in the 00:01 CI run of 7 Dec.
    await vi.waitFor(
      () => expect(partsOf(1).filter((p) => !held.has(p) && p.status === undefined)).toEqual([]),
      { timeout: 60_000, interval: 20 },
    );
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.stderr).toContain('Run the same command again to resume');
    expect(interrupted.code).toBe(130);
    const records = JSON.parse(await readFile(join(dir, 'uploads.json'), 'utf8')) as Record<
      string,
      { uploadId: string }
    >;
    const uploadId = Object.values(records)[0]!.uploadId;
    const storedInRun1 = partsOf(1).filter((p) => p.status === 200);
    expect(storedInRun1.length).toBeGreaterThanOrEqual(2);
    expect(storedInRun1.length).toBeLessThan(PARTS);
    expect(new Set(partsOf(1).map((p) => p.uploadId))).toEqual(new Set([uploadId]));

    run2From = s3Proxy.seen.length;
    holdAfter = undefined;
    // The second run in-process (the same runCli the binary calls): no second process start.
    const second = await s3up(
      ['upload', file, '--to', 'resumed/', '--part-size', '5', '--concurrency', '2', '--json'],
      {
        env: {
          S3UP_TOKEN_URL: `${tokenProxy.url}/credentials`,
          S3UP_TOKEN: token,
          S3UP_RESUME_FILE: join(dir, 'uploads.json'),
        },
      },
    );
    expect(second.stderr).not.toContain('s3up:');
    expect(second.code).toBe(0);
    const out = JSON.parse(second.stdout) as {
      bucket: string;
      uploads: { key: string; size: number; resumed: boolean }[];
    };
    expect(out.uploads[0]).toMatchObject({ size: PARTS * 5 * MiB, resumed: true });

    // On the wire: no new multipart upload, the same UploadId, none of the stored parts again.
    expect([createsIn(1), createsIn(2)]).toEqual([1, 0]);
    const run2 = partsOf(2);
    expect(new Set(run2.map((p) => p.uploadId))).toEqual(new Set([uploadId]));
    const numbers1 = new Set(storedInRun1.map((p) => p.partNumber ?? 0));
    expect(run2.filter((p) => numbers1.has(p.partNumber ?? 0))).toEqual([]);
    const storedInRun2 = run2.filter((p) => p.status === 200);
    expect([...numbers1, ...storedInRun2.map((p) => p.partNumber ?? 0)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: PARTS }, (_, i) => i + 1),
    );
    // Bytes: the second run sent exactly what the first had not stored.
    const bytes = (list: SeenRequest[]) => list.reduce((n, p) => n + p.bodyBytes, 0);
    expect(bytes(storedInRun2)).toBe(PARTS * 5 * MiB - bytes(storedInRun1));

    const object = await s3Client(local, local.service).send(
      new GetObjectCommand({ Bucket: out.bucket, Key: out.uploads[0]!.key }),
    );
    const hash = createHash('sha256');
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest('hex')).toBe(sha);
  });
});
