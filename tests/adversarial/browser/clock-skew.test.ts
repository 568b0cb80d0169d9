// Case 15: a browser whose clock is two hours off still uploads. The token server's
// `serverTime` lets the engine correct credential expiry and request signing; SigV4 allows
// only 15 minutes of skew, so an uncorrected signature would be refused.
import { Uploader } from '@s3up/core';
import { afterEach, describe, expect, it } from 'vitest';
import { jwtFor, readBack, settled, tokenServer } from './browser-support.js';

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
