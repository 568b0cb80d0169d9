// Case 15: a browser whose clock is two hours off still uploads. The token server's
// `serverTime` lets the engine correct credential expiry and request signing; SigV4 allows
// only 15 minutes of skew, so an uncorrected signature would be refused.
import { Uploader, type UploadTask } from '@s3up/core';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type {} from '../../../packages/token-server/test/support/token-server.global-setup.js';

const tokenServer = inject('tokenServer');
const RealDate = Date;
const MiB = 1024 * 1024;

function skewClock(offsetMs: number): void {
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
}

afterEach(() => {
  globalThis.Date = RealDate;
});

async function jwtFor(user: string): Promise<string> {
  // Minted on the real clock, as the app's backend would.
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuer(tokenServer.jwt.issuer)
    .setAudience(tokenServer.jwt.audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(tokenServer.jwt.secret));
}

function settled(uploader: Uploader, task: UploadTask): Promise<UploadTask> {
  return new Promise((resolve) => {
    const done = () => {
      if (['succeeded', 'failed', 'cancelled'].includes(task.state)) resolve(task);
    };
    for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const) {
      uploader.addEventListener(type, done);
    }
    done();
  });
}

async function readBack(token: string, prefix: string, key: string): Promise<Uint8Array> {
  const answer = await fetch(`${tokenServer.url}/presign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', key: key.slice(prefix.length) }),
  });
  expect(answer.status).toBe(200);
  const { url } = (await answer.json()) as { url: string };
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

describe('case 15: a browser clock two hours off', () => {
  it.each([
    ['behind', -2 * 3600_000],
    ['ahead', 2 * 3600_000],
  ])('two hours %s: a multipart upload succeeds and the bytes are exact', async (_label, offset) => {
    const user = `skew-${offset > 0 ? 'ahead' : 'behind'}-${RealDate.now().toString(36)}`;
    const token = await jwtFor(user);
    const bytes = crypto.getRandomValues(new Uint8Array(65536));
    const body = new Uint8Array(6 * MiB);
    for (let i = 0; i < body.length; i += bytes.length) body.set(bytes, i);
    skewClock(offset);
    const uploader = new Uploader({
      credentials: {
        url: `${tokenServer.url}/credentials`,
        request: (init) => ({
          ...init,
          headers: { ...(init.headers as object), authorization: `Bearer ${token}` },
        }),
      },
      partSize: 5 * MiB,
      multipartThreshold: 5 * MiB,
      resumeStore: null,
      retry: { retries: 2, baseDelay: 50, maxDelay: 200 },
    });
    const task = await settled(uploader, uploader.add(new File([body], 'skewed.bin')));
    globalThis.Date = RealDate;
    expect(task.error?.message).toBeUndefined();
    expect(task.state).toBe('succeeded');
    const prefix = `users/${user}/`;
    const stored = await readBack(token, prefix, task.key!);
    expect(stored.length).toBe(body.length);
    expect(stored.every((b, i) => b === body[i])).toBe(true);
    await uploader.destroy();
  });
});
