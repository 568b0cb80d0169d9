import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { s3Client, stsClient } from '@s3up/testkit';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import { mintToken } from '@s3up/testkit/jwt';
import { buildSessionPolicy, serializeSessionPolicy } from '@s3up/token-server/policy';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { s3up } from '../support/cli-harness.js';

const local = inject('localS3');
const tokenServer = inject('tokenServer');
const owner = s3Client(local, local.service);
const MiB = 1024 * 1024;
let dir: string;
let big: string;
/** Each run its own resume file in the test folder, never the user's ~/.local/state. */
const resumeFile = () => join(dir, `resume-${randomBytes(4).toString('hex')}.json`);
let bigSha: string;

/** A 50 MiB file of random bytes, written in chunks (never 50 MiB in one buffer twice). */
async function randomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += MiB) {
    const chunk = randomBytes(Math.min(MiB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return hash.digest('hex');
}

async function storedSha(key: string): Promise<string> {
  const object = await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
  const hash = createHash('sha256');
  for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3up-cli-upload-'));
  big = join(dir, 'backup-50MiB.bin');
  bigSha = await randomFile(big, 50 * MiB);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('s3up upload through the real token server', () => {
  it('uploads a 50 MiB file that reads back byte-exact under the user prefix', async () => {
    const user = `cli-${randomBytes(3).toString('hex')}`;
    const token = await mintToken(tokenServer.jwt, user);
    const result = await s3up(['upload', big, '--to', 'nightly/', '--json'], {
      env: { S3UP_TOKEN_URL: tokenServer.url, S3UP_TOKEN: token, S3UP_RESUME_FILE: resumeFile() },
    });
    expect(result.stderr).not.toContain('s3up:');
    expect(result.code).toBe(0);
    const { uploads } = JSON.parse(result.stdout) as { uploads: { key: string; size: number }[] };
    expect(uploads).toHaveLength(1);
    const key = uploads[0]!.key;
    expect(key).toMatch(new RegExp(`/${user}/nightly/backup-50MiB\\.bin$`));
    const head = await owner.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }));
    expect(head.ContentLength).toBe(50 * MiB);
    expect(await storedSha(key)).toBe(bigSha);
    // Progress went to standard error, not into the machine-readable output.
    expect(result.stderr).toContain('100%');
    expect(result.stderr).not.toContain(token);
  });

  it('uploads several files and prints where each went', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    await writeFile(a, 'first');
    await writeFile(b, 'second');
    const token = await mintToken(tokenServer.jwt, `cli-${randomBytes(3).toString('hex')}`);
    const result = await s3up(['upload', a, b, '--token-url', tokenServer.url, '--token', token], {
      env: { S3UP_RESUME_FILE: resumeFile() },
    });
    expect(result.code).toBe(0);
    const urls = result.stdout.trim().split('\n');
    expect(urls).toHaveLength(2);
    const keys = urls.map((u) => u.replace(`s3://${local.bucket}/`, ''));
    const bodies = await Promise.all(
      keys.map(async (Key) =>
        (await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key }))).Body!.transformToString(),
      ),
    );
    expect(bodies).toEqual(['first', 'second']);
  });

  it('a refused token exits 3 and says what to fix; nothing is uploaded', async () => {
    const bad = await mintToken(tokenServer.jwt, 'cli-intruder', {
      secret: 'not-the-secret-at-all-0123456789abcdef',
    });
    const result = await s3up(['upload', big, '--token-url', tokenServer.url, '--token', bad], {
      env: { S3UP_RESUME_FILE: resumeFile() },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toContain('--token');
  });

  it('refuses a missing file before asking for credentials', async () => {
    const result = await s3up(
      ['upload', join(dir, 'nope.bin'), '--token-url', 'http://127.0.0.1:9/', '--token', 'x'],
      {
        env: { S3UP_RESUME_FILE: resumeFile() },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.bin');
  });
});

describe('s3up upload with credentials that expire during the run', () => {
  // A token endpoint speaking the contract's POST /credentials, issuing real STS sessions
  // that live 2 s: an upload that did not refresh would be refused midway.
  const prefix = `cli-refresh-${randomBytes(3).toString('hex')}/`;
  const token = randomBytes(16).toString('hex');
  const sessions = new Set<string>();
  let server: Server;
  let slowS3: FaultProxy;
  let url: string;
  beforeAll(async () => {
    // S3 through a proxy that holds each request 300 ms: the 12 requests of a 50 MiB upload
    // in 5 MiB parts, one at a time, then take over 3.6 s on any machine, well past a 2 s
    // session, so the run must refresh (a fast idle machine finished within one session).
    slowS3 = await FaultProxy.start(local.endpoint, () => ({ delayMs: 300 }));
    const sts = stsClient(local, local.service);
    server = createServer(async (req, res) => {
      if (
        req.method !== 'POST' ||
        req.url !== '/credentials' ||
        req.headers.authorization !== `Bearer ${token}`
      ) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"error":{"code":"unauthorized","message":"no"}}');
        return;
      }
      // The engine asks for `upload` sessions and, to check the stored size, a `read` one.
      let body = '';
      for await (const chunk of req) body += chunk;
      const scope = (JSON.parse(body || '{}') as { scope?: 'upload' | 'read' }).scope ?? 'upload';
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: local.roleArn,
          RoleSessionName: 'cli-refresh',
          DurationSeconds: 2,
          Policy: serializeSessionPolicy(buildSessionPolicy({ bucket: local.bucket, prefix, scope })),
        }),
      );
      sessions.add(Credentials!.AccessKeyId!);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
        JSON.stringify({
          accessKeyId: Credentials!.AccessKeyId,
          secretAccessKey: Credentials!.SecretAccessKey,
          sessionToken: Credentials!.SessionToken,
          expiration: Credentials!.Expiration!.toISOString(),
          serverTime: new Date().toISOString(),
          bucket: local.bucket,
          region: local.region,
          endpoint: slowS3.url,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          prefix,
          scope,
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await slowS3.close();
  });

  it('refreshes them and still completes byte-exact', async () => {
    // One part at a time through the slow proxy: the run outlasts a 2 s session.
    const result = await s3up(['upload', big, '--part-size', '5', '--concurrency', '1', '--json'], {
      env: { S3UP_TOKEN_URL: url, S3UP_TOKEN: token, S3UP_RESUME_FILE: resumeFile() },
    });
    expect(result.stderr).not.toContain('s3up:');
    expect(result.code).toBe(0);
    const { uploads, credentialsIssued } = JSON.parse(result.stdout) as {
      uploads: { key: string }[];
      credentialsIssued: number;
    };
    expect(uploads[0]!.key).toBe(`${prefix}backup-50MiB.bin`);
    expect(await storedSha(uploads[0]!.key)).toBe(bigSha);
    expect(credentialsIssued).toBeGreaterThan(1);
    expect(sessions.size).toBe(credentialsIssued);
  });
});
