import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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

interface PartRequest {
  run: number;
  uploadId: string;
  partNumber: number;
  bytes: number;
  status: number | 'held';
}

let dir: string;
let file: string;
let sha: string;
let proxy: Server;
let proxyUrl: string;
let run = 1;
/**
 * Hold UploadPart requests once this many parts were stored (run 1 only): the Ctrl-C then lands
 * mid-upload. With --concurrency 2 the fourth part is requested only after two are stored.
 */
let holdAfter: number | undefined = 2;
let onHeld: (() => void) | undefined;
const parts: PartRequest[] = [];
const creates: number[] = [];

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  body: Buffer,
  rewrite?: (text: string) => string,
) {
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        let payload = Buffer.concat(chunks);
        const headers = { ...answer.headers };
        if (rewrite && answer.statusCode === 200) {
          payload = Buffer.from(rewrite(payload.toString('utf8')));
          headers['content-length'] = String(payload.length);
        }
        // HEAD answers keep S3's content-length: it is the object's size, not this body's.
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(payload);
        const url = new URL(req.url ?? '/', 'http://x');
        if (req.method === 'PUT' && url.searchParams.has('partNumber'))
          parts.push({
            run,
            uploadId: url.searchParams.get('uploadId') ?? '',
            partNumber: Number(url.searchParams.get('partNumber')),
            bytes: body.length,
            status: answer.statusCode ?? 0,
          });
      });
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end(body);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-cli-resume-'));
  file = join(dir, 'archive.bin');
  const bytes = randomBytes(PARTS * 5 * MiB);
  sha = createHash('sha256').update(bytes).digest('hex');
  await writeFile(file, bytes);
  const s3 = new URL(local.endpoint);
  const tokens = new URL(tokenServer.url);
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away mid-body (Ctrl-C aborts parts in flight): nothing to forward.
      res.destroy();
      return;
    }
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('/credentials')) {
      // The token server's answer, with S3 pointed at this proxy.
      return forward(req, res, tokens, body, (text) =>
        JSON.stringify({ ...JSON.parse(text), endpoint: proxyUrl, forcePathStyle: true }),
      );
    }
    if (req.method === 'POST' && url.searchParams.has('uploads')) creates.push(run);
    const stored = parts.filter((p) => p.run === run && p.status === 200).length;
    if (
      req.method === 'PUT' &&
      url.searchParams.has('partNumber') &&
      holdAfter !== undefined &&
      stored >= holdAfter
    ) {
      // Never answered: the client sees a slow link, then Ctrl-C aborts it.
      parts.push({
        run,
        uploadId: url.searchParams.get('uploadId') ?? '',
        partNumber: Number(url.searchParams.get('partNumber')),
        bytes: body.length,
        status: 'held',
      });
      onHeld?.();
      req.socket.on('close', () => res.destroy());
      return;
    }
    forward(req, res, s3, body);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
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
        S3UP_TOKEN_URL: `${proxyUrl}/credentials`,
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
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.stderr).toContain('Run the same command again to resume');
    expect(interrupted.code).toBe(130);
    const records = JSON.parse(await readFile(join(dir, 'uploads.json'), 'utf8')) as Record<
      string,
      { uploadId: string }
    >;
    const uploadId = Object.values(records)[0]!.uploadId;
    const storedInRun1 = parts.filter((p) => p.run === 1 && p.status === 200);
    expect(storedInRun1.length).toBeGreaterThanOrEqual(2);
    expect(storedInRun1.length).toBeLessThan(PARTS);
    expect(new Set(parts.filter((p) => p.run === 1).map((p) => p.uploadId))).toEqual(new Set([uploadId]));

    run = 2;
    holdAfter = undefined;
    // The second run in-process (the same runCli the binary calls): no second process start.
    const second = await s3up(
      ['upload', file, '--to', 'resumed/', '--part-size', '5', '--concurrency', '2', '--json'],
      {
        env: {
          S3UP_TOKEN_URL: `${proxyUrl}/credentials`,
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
    expect(creates).toEqual([1]);
    const run2 = parts.filter((p) => p.run === 2);
    expect(new Set(run2.map((p) => p.uploadId))).toEqual(new Set([uploadId]));
    const numbers1 = new Set(storedInRun1.map((p) => p.partNumber));
    expect(run2.filter((p) => numbers1.has(p.partNumber))).toEqual([]);
    const storedInRun2 = run2.filter((p) => p.status === 200);
    expect([...numbers1, ...storedInRun2.map((p) => p.partNumber)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: PARTS }, (_, i) => i + 1),
    );
    // Bytes: the second run sent exactly what the first had not stored.
    const bytes = (list: PartRequest[]) => list.reduce((n, p) => n + p.bytes, 0);
    expect(bytes(storedInRun2)).toBe(PARTS * 5 * MiB - bytes(storedInRun1));

    const object = await s3Client(local, local.service).send(
      new GetObjectCommand({ Bucket: out.bucket, Key: out.uploads[0]!.key }),
    );
    const hash = createHash('sha256');
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest('hex')).toBe(sha);
  });
});
