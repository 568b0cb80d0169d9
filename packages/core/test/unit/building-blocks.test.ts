import { RENDITIONS_FOLDER, renditionsPrefix } from '@s3up/contract';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionBudget } from '../../src/connection-budget.js';
import { CredentialsSource } from '../../src/credentials-source.js';
import { defaultKey, isUploadError, planUpload, Uploader } from '../../src/index.js';
import { checkKey, RESERVED_FOLDER } from '../../src/object-key.js';
import { partRange } from '../../src/upload-plan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('keys', () => {
  it('builds <prefix><id>/<name> within 1024 bytes, keeping the extension', () => {
    expect(defaultKey('users/alice/', 'abc', 'photo.jpg')).toBe('users/alice/abc/photo.jpg');
    const key = defaultKey('users/alice/', 'abc', `${'é'.repeat(800)}.jpeg`);
    expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(1024);
    expect(key.endsWith('é.jpeg')).toBe(true);
  });

  it('rejects keyFor results outside the prefix or with dot segments, naming the rule', () => {
    expect(() => checkKey('users/bob/x', 'users/alice/')).toThrow(/outside the user's prefix/);
    expect(() => checkKey(`${renditionsPrefix('users/alice/')}320/x.jpg`, 'users/alice/')).toThrow(
      /reserved for thumbnails/,
    );
    expect(RESERVED_FOLDER).toBe(RENDITIONS_FOLDER);
    expect(() => checkKey('users/alice/../bob/x', 'users/alice/')).toThrow(/"\.\."/);
    expect(() => checkKey(`users/alice/${'a'.repeat(1100)}`, 'users/alice/')).toThrow(/1024/);
    expect(() => checkKey('users/alice/photo\u202Egpj.exe', 'users/alice/')).toThrow(/invisible formatting/);
    // The contract's rules, as the token server's presigner applies them too.
    expect(() => checkKey('users/alice/a\\b.txt', 'users/alice/')).toThrow(/backslash/);
    expect(() => checkKey('users/alice/Cafe\u0301.txt', 'users/alice/')).toThrow(/NFC/);
    expect(checkKey('users/alice/a/b.txt', 'users/alice/')).toBe('users/alice/a/b.txt');
  });
});

describe('planning', () => {
  it('uses PutObject below the threshold and for empty files', () => {
    expect(planUpload(0, 8 * MiB, 8 * MiB)).toEqual({ kind: 'put', size: 0 });
    expect(planUpload(8 * MiB - 1, 8 * MiB, 8 * MiB).kind).toBe('put');
    expect(planUpload(8 * MiB, 8 * MiB, 8 * MiB)).toEqual({
      kind: 'multipart',
      size: 8 * MiB,
      partSize: 8 * MiB,
      partCount: 1,
    });
  });

  it('grows the part size so that any file fits in 10,000 parts', () => {
    const size = 100 * GiB;
    const plan = planUpload(size, 8 * MiB, 8 * MiB);
    expect(plan.kind === 'multipart' && plan.partSize).toBe(Math.ceil(size / 10_000));
    expect(plan.kind === 'multipart' && plan.partCount).toBeLessThanOrEqual(10_000);
    const small = planUpload(50 * MiB, 8 * MiB, 8 * MiB);
    expect(small).toMatchObject({ partSize: 8 * MiB, partCount: 7 });
    if (small.kind === 'multipart') expect(partRange(small, 7)).toEqual({ start: 48 * MiB, end: 50 * MiB });
  });

  it('refuses files over S3s 48.8 TiB, or over maxObjectSize, with too-large', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return isUploadError(e) ? e.code : e;
      }
      return 'planned';
    };
    // 10,000 parts of 5 GiB: the largest object S3 documents (no longer 5 TiB).
    expect(code(() => planUpload(10_000 * 5 * GiB, 8 * MiB, 8 * MiB))).toBe('planned');
    expect(code(() => planUpload(10_000 * 5 * GiB + 1, 8 * MiB, 8 * MiB))).toBe('too-large');
    expect(code(() => planUpload(6 * 1024 * GiB, 8 * MiB, 8 * MiB))).toBe('planned');
    expect(code(() => planUpload(101, 8 * MiB, 8 * MiB, 100))).toBe('too-large');
  });
});

describe('options', () => {
  it.each([
    [{ credentials: undefined }, /credentials is required/],
    [{ concurrency: 0 }, /concurrency must be an integer from 1/],
    [{ partSize: 1024 }, /partSize must be an integer from 5242880/],
    [{ multipartThreshold: -1 }, /multipartThreshold/],
    [{ requestChecksumCalculation: 'SOMETIMES' }, /requestChecksumCalculation/],
    [{ retry: { retries: -1 } }, /retry\.retries/],
    [{ keyFor: 'users/' }, /keyFor must be a function/],
    [{ resumeStore: {} }, /resumeStore must have get/],
    [{ maxObjectSize: 1.5 }, /maxObjectSize must be an integer/],
    [{ maxObjectSize: 10_000 * 5 * 1024 ** 3 + 1 }, /maxObjectSize must be an integer from 0/],
  ])('validates %o at construction, naming the option', (bad, message) => {
    const options = { credentials: { url: '/credentials' }, ...bad } as never;
    expect(() => new Uploader(options)).toThrow(message);
    try {
      new Uploader(options);
    } catch (error) {
      expect(isUploadError(error) && error.code).toBe('invalid-options');
    }
  });
});

function answer(now: number, ttlSeconds: number, skewMs = 0) {
  return {
    accessKeyId: 'AKIA',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(now + skewMs + ttlSeconds * 1000).toISOString(),
    serverTime: new Date(now + skewMs).toISOString(),
    bucket: 'b',
    region: 'us-east-1',
    prefix: 'users/a/',
  };
}

describe('credentials source', () => {
  it('shares one request among concurrent callers and caches until close to expiry', async () => {
    let calls = 0;
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 10));
        return Response.json(answer(Date.now(), 900));
      },
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => source.get()));
    expect(calls).toBe(1);
    expect(new Set(all).size).toBe(1);
    await source.get();
    expect(calls).toBe(1);
    await source.refresh();
    expect(calls).toBe(2);
  });

  it("a request started ahead of a run (prefetch) is that run's first attempt, a failure included", async () => {
    let calls = 0;
    let status = 503;
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () => {
        calls += 1;
        return status === 200
          ? Response.json(answer(Date.now(), 900))
          : Response.json({ error: { code: 'unavailable', message: 'x' } }, { status });
      },
    });
    source.prefetch();
    await new Promise((r) => setTimeout(r, 10));
    // The early request failed before the run asked: the run gets that failure, not a second request.
    await expect(source.get()).rejects.toMatchObject({ code: 'server', status: 503 });
    expect(calls).toBe(1);
    // Its retry asks again.
    await expect(source.get()).rejects.toMatchObject({ code: 'server', status: 503 });
    expect(calls).toBe(2);
    // A success is cached as any other answer.
    status = 200;
    source.prefetch();
    const first = await source.get();
    expect(await source.get()).toBe(first);
    expect(calls).toBe(3);
  });

  it('measures expiry on the server clock, so a client clock an hour off does not matter', async () => {
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      // The server's clock is one hour ahead of ours.
      fetch: async () => Response.json(answer(Date.now(), 900, 3600_000)),
    });
    const { expiresAt, identity } = await source.get();
    expect(Math.abs(expiresAt - (Date.now() + 900_000))).toBeLessThan(2000);
    expect(identity.expiration.getTime()).toBe(expiresAt);
  });

  it('refreshes short sessions at half their life', async () => {
    let calls = 0;
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () => {
        calls += 1;
        return Response.json(answer(Date.now(), 1));
      },
    });
    await source.get();
    await source.get();
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    await source.get();
    expect(calls).toBe(2);
  });

  it('turns a 401 into a credentials error and a 503 into a retryable server error', async () => {
    const status = { value: 401 };
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () =>
        Response.json({ error: { code: 'unauthorized', message: 'x' } }, { status: status.value }),
    });
    await expect(source.get()).rejects.toMatchObject({ code: 'credentials', status: 401 });
    source.forgetRefusal();
    status.value = 503;
    await expect(source.get()).rejects.toMatchObject({ code: 'server', status: 503 });
  });

  it('after a 401 asks no more until forgetRefusal(), and uses what is left of the current session', async () => {
    let calls = 0;
    let refuse = false;
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () => {
        calls += 1;
        return refuse
          ? Response.json({ error: { code: 'unauthorized', message: 'x' } }, { status: 401 })
          : Response.json(answer(Date.now(), 4));
      },
    });
    const first = await source.get();
    refuse = true;
    await expect(source.refresh()).rejects.toMatchObject({ code: 'credentials', status: 401 });
    expect(calls).toBe(2);
    // Signed out: no further request, however often the engine asks...
    await expect(source.refresh()).rejects.toMatchObject({ code: 'credentials', status: 401 });
    // ...and the session it holds still serves while it is valid (past its refresh point).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(first.receivedAt + 2500);
      expect(await source.get()).toBe(first);
      expect(calls).toBe(2);
      // Within a second of expiry it no longer does.
      vi.setSystemTime(first.expiresAt - 500);
      await expect(source.get()).rejects.toMatchObject({ code: 'credentials', status: 401 });
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    source.forgetRefusal();
    refuse = false;
    expect(await source.refresh()).not.toBe(first);
    expect(calls).toBe(3);
  });

  it('names the missing field of a malformed answer', async () => {
    const source = new CredentialsSource({
      url: 'http://token.test/credentials',
      fetch: async () => Response.json({ accessKeyId: 'a' }),
    });
    await expect(source.get()).rejects.toThrow(/"secretAccessKey"/);
  });
});

describe('connection budget', () => {
  it('never grants more than its size and serves lower priorities (earlier files) first', async () => {
    const budget = new ConnectionBudget(2);
    const order: string[] = [];
    const a = await budget.acquire(0);
    const b = await budget.acquire(0);
    const late = budget.acquire(5).then((release) => {
      order.push('file 5');
      return release;
    });
    const early = budget.acquire(1).then((release) => {
      order.push('file 1');
      return release;
    });
    expect(budget.used).toBe(2);
    a();
    a(); // a second release of the same slot is ignored
    const releaseEarly = await early;
    expect(budget.used).toBe(2);
    b();
    const releaseLate = await late;
    expect(order).toEqual(['file 1', 'file 5']);
    releaseEarly();
    releaseLate();
    expect(budget.used).toBe(0);
  });

  it('drops a waiter whose signal aborts', async () => {
    const budget = new ConnectionBudget(1);
    const held = await budget.acquire(0);
    const controller = new AbortController();
    const waiting = budget.acquire(0, controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
    held();
    expect(budget.used).toBe(0);
  });
});
