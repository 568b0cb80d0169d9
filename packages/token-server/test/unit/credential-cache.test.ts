import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/credential-cache.js';
import { CredentialIssuer } from '../../src/credential-issuer.js';
import { isTokenServerError } from '../../src/errors.js';
import { FAKE_STS, fakeSts, ok, stsError } from '../support/fake-sts.js';

interface Value {
  id: number;
  expiresAt: number;
}

describe('CredentialCache', () => {
  it('concurrent requests for one key share one load', async () => {
    const cache = new CredentialCache<Value>();
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async () => {
      loads += 1;
      await gate;
      return { id: loads, expiresAt: Date.now() + 3600_000 };
    };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get('alice', (v) => v.expiresAt, load)));
    release();
    const results = await all;
    expect(loads).toBe(1);
    expect(new Set(results.map((r) => r.value.id))).toEqual(new Set([1]));
    expect(results.filter((r) => r.outcome === 'miss')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'shared')).toHaveLength(19);
    expect((await cache.get('alice', (v) => v.expiresAt, load)).outcome).toBe('hit');
  });

  it('a failed load is shared by its waiters, held for a moment, then tried again', async () => {
    let clock = 1_000_000;
    const cache = new CredentialCache<Value>({ now: () => clock });
    let loads = 0;
    const failing = async () => {
      loads += 1;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('sts down');
    };
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => cache.get('k', (v) => v.expiresAt, failing)),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(loads).toBe(1);
    // Within the hold (2 s by default) the same error comes back without a new load...
    clock += 1_500;
    await expect(cache.get('k', (v) => v.expiresAt, failing)).rejects.toThrow('sts down');
    expect(loads).toBe(1);
    // ...and another key is not held.
    await expect(cache.get('other', (v) => v.expiresAt, failing)).rejects.toThrow('sts down');
    expect(loads).toBe(2);
    // After it, the next request loads again, and a success is cached as usual.
    clock += 1_000;
    const next = await cache.get(
      'k',
      (v) => v.expiresAt,
      async () => ({ id: 2, expiresAt: clock + 3600_000 }),
    );
    expect(next).toEqual({ value: { id: 2, expiresAt: expect.any(Number) }, outcome: 'miss' });
  });

  it('clear() drops a held failure, so a fixed STS is used at once', async () => {
    const cache = new CredentialCache<Value>();
    await expect(
      cache.get(
        'k',
        (v) => v.expiresAt,
        async () => Promise.reject(new Error('sts down')),
      ),
    ).rejects.toThrow();
    await cache.clear('k');
    const fresh = await cache.get(
      'k',
      (v) => v.expiresAt,
      async () => ({ id: 3, expiresAt: Date.now() + 3600_000 }),
    );
    expect(fresh.outcome).toBe('miss');
  });

  it('serves until the refresh window before expiry, then refreshes', async () => {
    let now = 1_000_000;
    const cache = new CredentialCache<Value>({ refreshWindowSeconds: 600, now: () => now });
    let id = 0;
    const load = async () => ({ id: ++id, expiresAt: now + 3600_000 });
    expect((await cache.get('k', (v) => v.expiresAt, load)).value.id).toBe(1);
    now += 2999_000; // 601 s left
    expect(await cache.get('k', (v) => v.expiresAt, load)).toMatchObject({
      value: { id: 1 },
      outcome: 'hit',
    });
    now += 2_000; // 599 s left: the SDK would refresh almost at once
    expect(await cache.get('k', (v) => v.expiresAt, load)).toMatchObject({
      value: { id: 2 },
      outcome: 'miss',
    });
  });

  it('keys are separate: alice and alice2, upload and read', async () => {
    const cache = new CredentialCache<Value>();
    let id = 0;
    const load = async () => ({ id: ++id, expiresAt: Date.now() + 3600_000 });
    const ids = [];
    for (const key of ['alice\0upload', 'alice2\0upload', 'alice\0read']) {
      ids.push((await cache.get(key, (v) => v.expiresAt, load)).value.id);
    }
    expect(ids).toEqual([1, 2, 3]);
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const cache = new CredentialCache<Value>({ maxEntries: 2 });
    let id = 0;
    const load = async () => ({ id: ++id, expiresAt: Date.now() + 3600_000 });
    const get = (k: string) => cache.get(k, (v) => v.expiresAt, load);
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // evicts b
    expect(cache.size).toBe(2);
    expect((await get('a')).outcome).toBe('hit');
    expect((await get('b')).outcome).toBe('miss');
  });
});

describe('CredentialIssuer single flight on the wire', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const issuerWith = (extra: Partial<ConstructorParameters<typeof CredentialIssuer>[0]>) =>
    new CredentialIssuer({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
      stsEndpoint: FAKE_STS,
      credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'x' },
      retry: { attempts: 2, baseDelayMs: 1 },
      ...extra,
    });
  const issuer = () =>
    new CredentialIssuer({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
      stsEndpoint: FAKE_STS,
      credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'x' },
      retry: { attempts: 2, baseDelayMs: 1 },
    });

  it('50 concurrent requests from one user make one AssumeRole', async () => {
    const sts = fakeSts(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return ok();
    });
    server.use(sts.handler);
    const i = issuer();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => i.issue({ userId: 'alice', scope: 'upload' })),
    );
    expect(sts.received).toHaveLength(1);
    expect(new Set(results.map((r) => r.credentials.accessKeyId)).size).toBe(1);
    await i.issue({ userId: 'bob', scope: 'upload' });
    await i.issue({ userId: 'alice', scope: 'read' });
    expect(sts.received.map((b) => b.get('RoleSessionName'))).toEqual([
      's3up-alice',
      's3up-bob',
      's3up-alice',
    ]);
  });

  it('credentials about to expire are not served from the cache', async () => {
    const sts = fakeSts((n) =>
      ok({ expiration: new Date(Date.now() + 120_000), accessKeyId: `ASIAKEY${n}` }),
    );
    server.use(sts.handler);
    const i = issuer();
    const first = await i.issue({ userId: 'alice', scope: 'upload' });
    const second = await i.issue({ userId: 'alice', scope: 'upload' });
    expect([first.credentials.accessKeyId, second.credentials.accessKeyId]).toEqual(['ASIAKEY1', 'ASIAKEY2']);
  });

  it('never serves an entry with less than 5 s left, even with very short sessions', async () => {
    const sts = fakeSts((n) =>
      ok({ expiration: new Date(Date.now() + 3_000), accessKeyId: `ASIASHORT${n}` }),
    );
    server.use(sts.handler);
    const short = new CredentialIssuer({
      bucket: 's3up-uploads',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
      stsEndpoint: FAKE_STS,
      credentials: { accessKeyId: 'AKIDSERVER', secretAccessKey: 'x' },
      duration: { minSeconds: 1, maxSeconds: 20 },
    });
    const first = await short.issue({ userId: 'alice', scope: 'read', minRemainingSeconds: 1 });
    const second = await short.issue({ userId: 'alice', scope: 'read', minRemainingSeconds: 1 });
    expect([first.credentials.accessKeyId, second.credentials.accessKeyId]).toEqual([
      'ASIASHORT1',
      'ASIASHORT2',
    ]);
  });

  it('after a failure STS is not called again during the hold, then is', async () => {
    const sts = fakeSts((n) => (n === 1 ? stsError(403, 'AccessDenied', 'no') : ok()));
    server.use(sts.handler);
    let clock = Date.now();
    const i = issuerWith({ cache: { now: () => clock } });
    const error = await i.issue({ userId: 'alice', scope: 'upload' }).catch((e: unknown) => e);
    expect(isTokenServerError(error) && error.code).toBe('sts_error');
    const held = await i.issue({ userId: 'alice', scope: 'upload' }).catch((e: unknown) => e);
    expect(isTokenServerError(held) && held.code).toBe('sts_error');
    expect(sts.received).toHaveLength(1);
    clock += 2_001;
    expect((await i.issue({ userId: 'alice', scope: 'upload' })).cache).toBe('miss');
    expect(sts.received).toHaveLength(2);
  });
});
