import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { FaultProxy, type SeenRequest } from '@s3up/testkit/fault-proxy';
import { MiB, randomFile } from '@s3up/testkit/random-file';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engineFor, settled } from '../support/engine-under-test.js';
import { bytesOf, exists, ownerClient } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Cases 13 and 14: the token server issues 2-second sessions (the local backend accepts
// sessions from 1 s; AWS's minimum is 900 s, so only the ratio of session to upload matters),
// and a proxy in front of the real RGW holds each UploadPart answer (after RGW has
// authenticated and stored the part), so an upload lasts several session lifetimes, as a
// large file on a slow link would.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');
const SESSION_SECONDS = 2;

/** The session a request was signed with (RGW may reuse an access key id across sessions). */
const sessionOf = (r: SeenRequest) => String(r.headers['x-amz-security-token']);

let s3: FaultProxy;
let server: TokenServerUnderTest;

beforeAll(async () => {
  s3 = await FaultProxy.start(local.endpoint);
  server = await TokenServerUnderTest.start(local, {
    server: {
      endpoint: s3.url,
      scopes: ['upload', 'read'],
      duration: { minSeconds: 1, maxSeconds: SESSION_SECONDS, defaultSeconds: SESSION_SECONDS },
    },
  });
});
afterAll(async () => {
  await server?.close();
  await s3?.close();
});

async function openUploads(prefix: string): Promise<string[]> {
  const out = await ownerClient(local).send(
    new ListMultipartUploadsCommand({ Bucket: local.bucket, Prefix: prefix }),
  );
  return (out.Uploads ?? []).map((u) => u.UploadId!);
}

describe('case 13: credentials that expire every 2 s during an upload of about 8 s', () => {
  it('are refreshed before they expire: one UploadId to the end, no request refused, bytes exact', async () => {
    // 16 parts, two at a time, each answer held 1 s: about 8 s, four session lifetimes; the
    // engine refreshes at half a session, so each credential signs parts for about 1 s.
    const user = `churn${run}`;
    s3.rule = (r) => (r.operation === 'UploadPart' ? { delayAnswerMs: 1000 } : undefined);
    const from = s3.seen.length;
    const stsFrom = server.sts.count('AssumeRole');
    const { uploader, calls } = engineFor(server, user, { concurrency: 2 });
    const { file, bytes } = randomFile(16 * 5 * MiB, 'long.bin');
    const task = await settled(uploader, uploader.add(file));
    s3.rule = () => undefined;

    expect(task.error).toBeUndefined();
    expect(task.state).toBe('succeeded');
    const requests = s3.seen.slice(from).filter((r) => r.url.includes(`/users/${user}/`));
    // Refreshed in time: S3 refused no request of the upload (no ExpiredToken, no retry of
    // one). The size check is HeadObject, which the upload answer's actions do not include:
    // the engine asks with read-scope credentials straight away (#20), so no HeadObject is
    // refused either; the token server's own receipt check may add one more.
    const upload = requests.filter((r) => r.operation !== 'HeadObject');
    expect(upload.filter((r) => (r.status ?? 0) >= 300)).toEqual([]);
    const heads = requests.filter((r) => r.operation === 'HeadObject').map((r) => r.status);
    expect(heads.length).toBeGreaterThanOrEqual(1);
    expect(heads.filter((status) => status !== 200)).toEqual([]);
    expect(task.verified).toBe(true);
    expect(requests.filter((r) => r.operation === 'CreateMultipartUpload')).toHaveLength(1);
    expect(new Set(requests.filter((r) => r.uploadId).map((r) => r.uploadId)).size).toBe(1);
    const parts = requests.filter((r) => r.operation === 'UploadPart').map((r) => Number(r.partNumber));
    expect(parts.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(requests.filter((r) => r.operation === 'CompleteMultipartUpload')).toHaveLength(1);
    // The sessions really did turn over: the parts were signed in many different sessions,
    // each from its own credentials request and AssumeRole call.
    const sessions = new Set(upload.map(sessionOf));
    expect(sessions.size).toBeGreaterThanOrEqual(4);
    expect(calls()).toBeGreaterThanOrEqual(sessions.size);
    expect(server.sts.count('AssumeRole') - stsFrom).toBeGreaterThanOrEqual(sessions.size);
    expect((await bytesOf(local, task.key!)).equals(bytes)).toBe(true);
    expect(await openUploads(`users/${user}/`)).toEqual([]);
    expect(server.leaks()).toEqual([]);
    await uploader.destroy();
  }, 60_000);
});

describe('case 14: the token endpoint answers 401 during a refresh', () => {
  let logoutServer: TokenServerUnderTest;
  beforeAll(async () => {
    logoutServer = await TokenServerUnderTest.start(local, {
      server: {
        endpoint: s3.url,
        stsEndpoint: local.endpoint,
        duration: { minSeconds: 1, maxSeconds: 6, defaultSeconds: 6 },
      },
    });
  });
  afterAll(async () => logoutServer?.close());

  it('the upload stops with a credentials error after one refused refresh, nothing is stored, no loop', async () => {
    // 6 s sessions: the engine refreshes at 3 s, with one part at a time answered after
    // 600 ms, so the refresh falls mid-upload (8 parts take at least 4.8 s), and the abort
    // that follows the refusal still has about 3 s of the first session to be sent in, even
    // on a loaded machine (with 3 s sessions it sometimes came after they had expired).
    const user = `logout${run}`;
    s3.rule = (r) => (r.operation === 'UploadPart' ? { delayAnswerMs: 600 } : undefined);
    const from = s3.seen.length;
    const refusedFrom = logoutServer.log.records().filter((l) => l.event === 'credentials.refused').length;
    // The first request is signed in; from the second on, the user's login has expired.
    const now = Math.floor(Date.now() / 1000);
    const { uploader, calls } = engineFor(logoutServer, user, {
      concurrency: 1,
      tokenFor: (call) =>
        call === 1
          ? logoutServer.token(user)
          : logoutServer.token(user, { issuedAt: now - 7200, expiresIn: now - 3600 }),
    });
    const succeeded: string[] = [];
    uploader.addEventListener('upload-succeeded', (e) => succeeded.push(e.detail.key));
    const task = await settled(uploader, uploader.add(randomFile(8 * 5 * MiB, 'logout.bin').file));

    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('credentials');
    expect(task.error?.message).toMatch(/sign|log|401|credentials/i);
    expect(succeeded).toEqual([]);
    // The refresh came mid-upload: some parts were stored before it, not all of them.
    const parts = s3.seen
      .slice(from)
      .filter((r) => r.operation === 'UploadPart' && r.url.includes(`/users/${user}/`));
    expect(parts.length).toBeGreaterThanOrEqual(1);
    expect(parts.length).toBeLessThan(8);
    // One refused refresh, no loop: still two credentials requests 3 s later (longer than
    // the engine's whole retry schedule here: 3 retries of at most 500 ms, and past the end
    // of the first session, after which a looping engine would have asked again),
    // and no S3 request for this user since the failure but the abort.
    expect(calls()).toBe(2);
    const seenAtFailure = s3.seen.length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(calls()).toBe(2);
    expect(s3.seen.slice(seenAtFailure).filter((r) => r.url.includes(`/users/${user}/`))).toEqual([]);
    const refused = logoutServer.log.records().filter((l) => l.event === 'credentials.refused');
    expect(refused.length - refusedFrom).toBe(1);
    // Stopped cleanly: the multipart upload was aborted and nothing is in the bucket.
    const key = decodeURIComponent(new URL(parts[0]!.url, 'http://x').pathname).slice(
      local.bucket.length + 2,
    );
    expect(await exists(local, key)).toBe(false);
    expect(await openUploads(`users/${user}/`)).toEqual([]);
    expect(logoutServer.leaks()).toEqual([]);
    await uploader.destroy();
  }, 60_000);
});
