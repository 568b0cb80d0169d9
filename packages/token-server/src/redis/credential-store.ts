import { randomUUID } from 'node:crypto';
import type { CachedCredential, CredentialStore, ReleaseLock } from '../stores/credential-store.js';
import { MemoryCredentialStore } from '../stores/credential-store.js';
import { cutoffKeys } from './purge-signal.js';
import type { RedisLink } from './redis-link.js';
import type { SealedBox } from './sealed-box.js';

// Deletes the lock only if it is still ours: a holder that outlived its TTL must not
// release the next holder's lock.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisCredentialStoreOptions {
  /** Key prefix. Default `s3up:`. */
  namespace?: string;
  /** While Redis is down, entries this instance keeps in memory. Default 10,000. */
  fallbackEntries?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
}

/**
 * The credential cache in Redis, shared by all instances, with the secrets sealed
 * (AES-256-GCM with the operator's key; nothing in Redis reads as a credential). `lock` is
 * a short `SET NX PX` lock, so one AssumeRole serves a user and scope on every instance.
 * While Redis is down it keeps entries in this instance's memory and grants every lock
 * (one STS call per instance instead of one in all).
 *
 * An entry is served only if it was issued after the purge cut-offs stored beside it (see
 * RedisPurgeSignal), so a revocation holds on every instance even if one missed the message.
 */
export class RedisCredentialStore<T> implements CredentialStore<T> {
  readonly #link: RedisLink;
  readonly #box: SealedBox;
  readonly #ns: string;
  readonly #fallback: MemoryCredentialStore<T>;
  readonly #now: () => number;

  constructor(link: RedisLink, box: SealedBox, options: RedisCredentialStoreOptions = {}) {
    this.#link = link;
    this.#box = box;
    this.#ns = options.namespace ?? 's3up:';
    this.#now = options.now ?? Date.now;
    this.#fallback = new MemoryCredentialStore<T>({ maxEntries: options.fallbackEntries ?? 10_000 });
  }

  async get(key: string): Promise<CachedCredential<T> | undefined> {
    const redisKey = this.#key(key);
    const [userCutoff, allCutoff] = cutoffKeys(this.#ns, userOf(key));
    let found: (string | null)[];
    try {
      found = await this.#link.run('cache.get', (c) => c.mget(redisKey, userCutoff, allCutoff));
    } catch {
      return this.#fallback.get(key);
    }
    const [box, ...cutoffs] = found;
    if (!box) return undefined;
    const text = this.#box.open(box, redisKey);
    // Sealed with another key (rotated) or tampered with: treat as missing.
    if (text === undefined) return undefined;
    const entry = parseEntry<T>(text);
    if (!entry) return undefined;
    const cutoff = Math.max(0, ...cutoffs.map((c) => Number(c ?? 0)));
    return entry.issuedAt >= cutoff ? entry : undefined;
  }

  async set(key: string, entry: CachedCredential<T>): Promise<void> {
    const ttl = Math.floor(entry.expiresAt - this.#now());
    if (ttl <= 0) return;
    const redisKey = this.#key(key);
    const box = this.#box.seal(JSON.stringify(entry, dateReplacer), redisKey);
    try {
      await this.#link.run('cache.set', (c) => c.set(redisKey, box, 'PX', ttl));
    } catch {
      await this.#fallback.set(key, entry);
    }
  }

  async delete(key: string): Promise<void> {
    await this.#fallback.delete(key);
    // Redis down: nothing can be served from it either, and the link logged the outage.
    await this.#link.run('cache.delete', (c) => c.del(this.#key(key))).catch(() => {});
  }

  /** Throws when Redis cannot be reached: the caller (clearCache) must know the purge did not reach it. */
  async clear(prefix?: string): Promise<void> {
    await this.#fallback.clear(prefix);
    await scanDelete(this.#link, `${this.#ns}cred:${globEscape(encodeKey(prefix ?? ''))}*`);
  }

  async lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const lockKey = `${this.#ns}lock:${encodeKey(key)}`;
    const token = randomUUID();
    let ok: string | null;
    try {
      ok = await this.#link.run('cache.lock', (c) => c.set(lockKey, token, 'PX', ttlMs, 'NX'));
    } catch {
      return async () => {};
    }
    if (ok !== 'OK') return undefined;
    return async () => {
      await this.#link.run('cache.unlock', (c) => c.eval(RELEASE, 1, lockKey, token)).catch(() => {});
    };
  }

  #key(key: string): string {
    return `${this.#ns}cred:${encodeKey(key)}`;
  }
}

/** Cache keys are `<user>\0<scope>\0<duration>`; percent-encoding keeps prefixes prefixes. */
export function encodeKey(key: string): string {
  return encodeURIComponent(key);
}

export function userOf(key: string): string | undefined {
  const end = key.indexOf('\0');
  return end > 0 ? key.slice(0, end) : undefined;
}

export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Deletes every key matching `pattern`, a SCAN page at a time (never KEYS, which blocks Redis). */
export async function scanDelete(link: RedisLink, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await link.run('scan', (c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', 500));
    if (keys.length > 0) await link.run('del', (c) => c.unlink(...keys));
    cursor = next;
  } while (cursor !== '0');
}

function dateReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? { $date: raw.toISOString() } : value;
}

function dateReviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { $date?: unknown }).$date === 'string') {
    const keys = Object.keys(value);
    if (keys.length === 1) return new Date((value as { $date: string }).$date);
  }
  return value;
}

function parseEntry<T>(text: string): CachedCredential<T> | undefined {
  try {
    const entry = JSON.parse(text, dateReviver) as CachedCredential<T>;
    if (typeof entry?.expiresAt !== 'number' || typeof entry.issuedAt !== 'number') return undefined;
    return entry;
  } catch {
    return undefined;
  }
}
