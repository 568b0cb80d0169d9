import { describe, expect, it } from 'vitest';
import { CredentialCache } from '../../src/credential-cache.js';
import {
  LocalPurgeSignal,
  MemoryCredentialStore,
  MemoryFailureHoldStore,
  MemoryRateLimitStore,
  type PurgeMessage,
} from '../../src/index.js';

interface Value {
  id: number;
  expiresAt: number;
}

describe('MemoryRateLimitStore', () => {
  it('counts per key in fixed windows that start at the first hit', async () => {
    let now = 1_000;
    const store = new MemoryRateLimitStore({ now: () => now });
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetAt: 61_000 });
    now = 30_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 2, resetAt: 61_000 });
    expect(await store.hit('b', 60_000)).toEqual({ count: 1, resetAt: 90_000 });
    now = 61_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetAt: 121_000 });
    await store.reset('b');
    expect(await store.hit('b', 60_000)).toEqual({ count: 1, resetAt: 121_000 });
  });
});

describe('MemoryFailureHoldStore', () => {
  it('holds until the hold ends and clears by prefix', async () => {
    let now = 0;
    const store = new MemoryFailureHoldStore({ now: () => now });
    const failure = { code: 'sts_unavailable', message: 'down' };
    await store.hold('alice\0upload', failure, 2_000);
    await store.hold('bob\0upload', failure, 2_000);
    expect(await store.get('alice\0upload')).toEqual(failure);
    await store.clear('alice\0');
    expect(await store.get('alice\0upload')).toBeUndefined();
    expect(await store.get('bob\0upload')).toEqual(failure);
    now = 2_000;
    expect(await store.get('bob\0upload')).toBeUndefined();
  });
});

describe('LocalPurgeSignal', () => {
  it('delivers to each subscription until it is ended', async () => {
    const signal = new LocalPurgeSignal();
    const seen: PurgeMessage[] = [];
    const stop = signal.subscribe((m) => seen.push(m));
    await signal.publish({ userId: 'alice', before: 5 });
    stop();
    await signal.publish({ before: 6 });
    expect(seen).toEqual([{ userId: 'alice', before: 5 }]);
  });
});

describe('CredentialCache over shared stores (two instances, one store)', () => {
  it('an entry stored by one cache is a hit for the other', async () => {
    const store = new MemoryCredentialStore<Value>();
    const a = new CredentialCache<Value>({ store });
    const b = new CredentialCache<Value>({ store });
    let loads = 0;
    const load = async () => ({ id: ++loads, expiresAt: Date.now() + 3600_000 });
    expect((await a.get('alice\0upload', (v) => v.expiresAt, load)).outcome).toBe('miss');
    expect(await b.get('alice\0upload', (v) => v.expiresAt, load)).toMatchObject({
      outcome: 'hit',
      value: { id: 1 },
    });
  });

  it('a failure held by one is answered by the other without a load', async () => {
    const failures = new MemoryFailureHoldStore();
    const a = new CredentialCache<Value>({ failures });
    const b = new CredentialCache<Value>({ failures });
    let loads = 0;
    const failing = async (): Promise<Value> => {
      loads += 1;
      throw new Error('sts down');
    };
    await expect(a.get('k', (v) => v.expiresAt, failing)).rejects.toThrow('sts down');
    await expect(b.get('k', (v) => v.expiresAt, failing)).rejects.toThrow('sts down');
    expect(loads).toBe(1);
  });

  it('forget(prefix, before) stops serving entries issued before the cut-off, only under the prefix', async () => {
    let now = 10_000;
    const store = new MemoryCredentialStore<Value>();
    const a = new CredentialCache<Value>({ store, now: () => now });
    const b = new CredentialCache<Value>({ store, now: () => now });
    let loads = 0;
    const load = async () => ({ id: ++loads, expiresAt: now + 3600_000 });
    await a.get('alice\0upload', (v) => v.expiresAt, load);
    await a.get('bob\0upload', (v) => v.expiresAt, load);
    now += 1_000;
    // b heard of a revocation of alice's sessions issued before now.
    b.forget('alice\0', now);
    expect(await b.get('alice\0upload', (v) => v.expiresAt, load)).toMatchObject({
      outcome: 'miss',
      value: { id: 3 },
    });
    expect((await b.get('bob\0upload', (v) => v.expiresAt, load)).outcome).toBe('hit');
  });

  it('a purge that arrives while STS answers is not cached and the session is made again', async () => {
    let now = 10_000;
    const cache = new CredentialCache<Value>({ now: () => now });
    let loads = 0;
    const load = async () => {
      loads += 1;
      if (loads === 1) {
        now += 10;
        cache.forget(undefined, now); // revoked while the first call was under way
      }
      now += 10;
      return { id: loads, expiresAt: now + 3600_000 };
    };
    expect((await cache.get('k', (v) => v.expiresAt, load)).value.id).toBe(2);
    expect((await cache.get('k', (v) => v.expiresAt, load)).outcome).toBe('hit');
  });
});
