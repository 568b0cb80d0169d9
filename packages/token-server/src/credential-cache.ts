import { TokenServerError, type TokenServerErrorCode } from './errors.js';
import {
  type CachedCredential,
  type CredentialStore,
  MemoryCredentialStore,
} from './stores/credential-store.js';
import {
  type FailureHoldStore,
  type HeldFailure,
  MemoryFailureHoldStore,
} from './stores/failure-hold-store.js';

/** Whether an answer came from the cache, from a new STS call, or from a call another request started. */
export type CacheOutcome = 'hit' | 'miss' | 'shared';

export interface CredentialCacheOptions<T = unknown> {
  /**
   * Most entries kept by the default in-memory store. Default 10,000: about 10 MB, far more
   * users than are active in one credential lifetime. The least recently used goes first.
   */
  maxEntries?: number;
  /**
   * An entry is served only while it has at least this long left. Default 600 s: the
   * AWS SDK refreshes 5 minutes before expiry, so credentials with less than that left
   * would send the client straight back; 10 minutes leaves room for clock skew.
   */
  refreshWindowSeconds?: number;
  /**
   * Serve an entry for at most this long after it was issued. Default: no limit besides
   * the refresh window. Tests and demos set it low to see fresh sessions.
   */
  maxAgeSeconds?: number;
  /**
   * After a load fails (STS down or throttling, once its own retries are spent), answer the
   * same error for this long without calling STS again. Default 2 s: clients that retry at
   * once, or many tabs of one user arriving a moment apart, would otherwise turn an STS
   * outage into a retry storm that keeps it throttled. 0 turns it off.
   */
  failureHoldSeconds?: number;
  /** Where entries live. Default a MemoryCredentialStore of `maxEntries`; share one (Redis) across instances. */
  store?: CredentialStore<T>;
  /** Where failure holds live. Default in memory; share one (Redis) so an outage is not retried once per instance. */
  failures?: FailureHoldStore;
  /**
   * Longest a load may hold the cross-instance lock of a shared store. Default 20 s: above
   * the issuer's worst case (3 STS attempts of 5 s plus backoff), so a slow load is not
   * doubled; a crashed holder delays the others at most this long.
   */
  lockSeconds?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Sleep between looks at another instance's load. Default `setTimeout`; tests inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** How long a purge cut-off is remembered: past the longest session (12 h) nothing it covers can be served. */
const CUTOFF_MEMORY_MS = 12 * 3600_000 + 60_000;

/**
 * Credentials per key (user and scope), with single flight: concurrent requests for a
 * key that is missing share one STS call, so a burst of tabs opening at once costs one
 * AssumeRole, not one each (STS throttles per account and Region). With a shared store,
 * the store's lock extends this to every instance.
 *
 * @example
 * ```ts
 * const cache = new CredentialCache<Issued>({ maxEntries: 1000 });
 * const { value, outcome } = await cache.get('alice\0upload', (v) => v.expiration.getTime(), () => assume());
 * ```
 */
export class CredentialCache<T> {
  readonly #store: CredentialStore<T>;
  readonly #failures: FailureHoldStore;
  readonly #inflight = new Map<string, Promise<CachedCredential<T>>>();
  /** Purge cut-offs: key prefix ('' for all) → sessions issued before it are not served. */
  readonly #cutoffs = new Map<string, number>();
  readonly #failureHoldMs: number;
  readonly #refreshWindowMs: number;
  readonly #maxAgeMs: number;
  readonly #lockMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: CredentialCacheOptions<T> = {}) {
    this.#refreshWindowMs = (options.refreshWindowSeconds ?? 600) * 1000;
    this.#maxAgeMs =
      options.maxAgeSeconds === undefined ? Number.POSITIVE_INFINITY : options.maxAgeSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#failureHoldMs = (options.failureHoldSeconds ?? 2) * 1000;
    this.#lockMs = (options.lockSeconds ?? 20) * 1000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#store =
      options.store ??
      new MemoryCredentialStore<T>(
        options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries },
      );
    this.#failures =
      options.failures ??
      new MemoryFailureHoldStore({
        now: this.#now,
        ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
      });
  }

  /** Entries held, when the store can tell (the in-memory one can). */
  get size(): number | undefined {
    return (this.#store as { size?: number }).size;
  }

  /**
   * The cached value for `key` when it has at least `minRemainingMs` (default the refresh
   * window) left, otherwise the result of `load`, shared with concurrent callers (of every
   * instance, with a shared store).
   */
  async get(
    key: string,
    expiresAt: (value: T) => number,
    load: () => Promise<T>,
    options: { minRemainingMs?: number } = {},
  ): Promise<{ value: T; outcome: CacheOutcome }> {
    const minRemaining = options.minRemainingMs ?? this.#refreshWindowMs;
    const entry = await this.#usable(key, minRemaining);
    if (entry) return { value: entry.value, outcome: 'hit' };
    // From here to `#inflight.set` nothing awaits, so concurrent callers find the load.
    const pending = this.#inflight.get(key);
    if (pending) return { value: (await pending).value, outcome: 'shared' };
    let shared = false;
    const call = (async (): Promise<CachedCredential<T>> => {
      await this.#throwIfHeld(key);
      const deadline = this.#now() + 2 * this.#lockMs;
      for (let wait = 25; ; wait = Math.min(wait * 2, 250)) {
        const release = await this.#store.lock(key, this.#lockMs);
        if (release) {
          try {
            // Another instance may have stored it between our look and our lock.
            const stored = await this.#usable(key, minRemaining);
            if (stored) {
              shared = true;
              return stored;
            }
            return await this.#load(key, expiresAt, load);
          } finally {
            await release();
          }
        }
        // Another instance is loading: its entry (or its failure) will appear in the store.
        await this.#sleep(wait);
        const stored = await this.#usable(key, minRemaining);
        if (stored) {
          shared = true;
          return stored;
        }
        await this.#throwIfHeld(key);
        if (this.#now() > deadline) {
          throw new TokenServerError('sts_unavailable', 'The credential service is busy; retry shortly.', {
            retryAfterSeconds: 2,
          });
        }
      }
    })();
    this.#inflight.set(key, call);
    try {
      return { value: (await call).value, outcome: shared ? 'shared' : 'miss' };
    } finally {
      this.#inflight.delete(key);
    }
  }

  /**
   * Drops one key's entry (e.g. after a revocation), every key starting with `prefix` when
   * `{ prefix: true }`, or everything, with any failure held for them. Sessions issued
   * before now are not served again by this cache, even if a load under way stores one.
   */
  async clear(key?: string, options: { prefix?: boolean } = {}): Promise<void> {
    const before = this.#now();
    if (key === undefined) {
      this.forget(undefined, before);
      await Promise.all([this.#store.clear(), this.#failures.clear()]);
    } else if (options.prefix) {
      this.forget(key, before);
      await Promise.all([this.#store.clear(key), this.#failures.clear(key)]);
    } else {
      await Promise.all([this.#store.delete(key), this.#failures.clear(key)]);
    }
  }

  /**
   * Remembers a purge cut-off without touching the store: entries under `prefix` (all when
   * undefined) issued before `before` are not served from now on. What an instance does on
   * another instance's purge message (the sender already cleared the shared store).
   */
  forget(prefix: string | undefined, before: number): void {
    const now = this.#now();
    for (const [p, t] of this.#cutoffs) if (t < now - CUTOFF_MEMORY_MS) this.#cutoffs.delete(p);
    const p = prefix ?? '';
    this.#cutoffs.set(p, Math.max(this.#cutoffs.get(p) ?? 0, before));
  }

  /** Drops `key`'s entry when `predicate` says so of its value; whether it did. */
  async evictIf(key: string, predicate: (value: T) => boolean): Promise<boolean> {
    const entry = await this.#store.get(key);
    if (!entry || !predicate(entry.value)) return false;
    await this.#store.delete(key);
    return true;
  }

  #cutoff(key: string): number {
    let cutoff = 0;
    for (const [prefix, before] of this.#cutoffs)
      if (key.startsWith(prefix)) cutoff = Math.max(cutoff, before);
    return cutoff;
  }

  async #usable(key: string, minRemaining: number): Promise<CachedCredential<T> | undefined> {
    const entry = await this.#store.get(key);
    if (!entry) return undefined;
    const now = this.#now();
    if (
      entry.expiresAt - now >= minRemaining &&
      now - entry.issuedAt < this.#maxAgeMs &&
      entry.issuedAt >= this.#cutoff(key)
    ) {
      return entry;
    }
    return undefined;
  }

  async #throwIfHeld(key: string): Promise<void> {
    const held = await this.#failures.get(key);
    if (held) throw held.error ?? rebuild(held);
  }

  async #load(
    key: string,
    expiresAt: (value: T) => number,
    load: () => Promise<T>,
  ): Promise<CachedCredential<T>> {
    // A purge that arrives while STS answers covers the session being made: load again
    // (once) rather than hand out a session issued before the purge.
    for (let attempt = 1; ; attempt++) {
      const issuedAt = this.#now();
      let value: T;
      try {
        value = await load();
      } catch (error) {
        if (this.#failureHoldMs > 0) await this.#failures.hold(key, toHeld(error), this.#failureHoldMs);
        throw error;
      }
      const fresh: CachedCredential<T> = { value, expiresAt: expiresAt(value), issuedAt };
      if (issuedAt < this.#cutoff(key) && attempt < 2) continue;
      await this.#store.set(key, fresh);
      return fresh;
    }
  }
}

function toHeld(error: unknown): HeldFailure {
  const e = error as { code?: unknown; message?: unknown; retryAfterSeconds?: unknown; name?: unknown };
  const known = error instanceof TokenServerError || e?.name === 'TokenServerError';
  return {
    code: known && typeof e.code === 'string' ? e.code : 'internal',
    message:
      known && typeof e.message === 'string'
        ? e.message
        : 'Something went wrong; the operator should check the server log.',
    ...(known && typeof e.retryAfterSeconds === 'number' ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    error,
  };
}

function rebuild(held: HeldFailure): TokenServerError {
  return new TokenServerError(held.code as TokenServerErrorCode, held.message, {
    ...(held.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: held.retryAfterSeconds }),
  });
}
