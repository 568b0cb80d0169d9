/** Whether an answer came from the cache, from a new STS call, or from a call another request started. */
export type CacheOutcome = 'hit' | 'miss' | 'shared';

export interface CredentialCacheOptions {
  /**
   * Most entries kept. Default 10,000: about 10 MB, far more users than are active in
   * one credential lifetime on a typical deployment. The least recently used goes first.
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
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  issuedAt: number;
}

/**
 * Credentials per key (user and scope), with single flight: concurrent requests for a
 * key that is missing share one STS call, so a burst of tabs opening at once costs one
 * AssumeRole, not one each (STS throttles per account and Region).
 *
 * @example
 * ```ts
 * const cache = new CredentialCache<Issued>({ maxEntries: 1000 });
 * const { value, outcome } = await cache.get('alice\0upload', (v) => v.expiration.getTime(), () => assume());
 * ```
 */
export class CredentialCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inflight = new Map<string, Promise<Entry<T>>>();
  readonly #failures = new Map<string, { error: unknown; until: number }>();
  readonly #failureHoldMs: number;
  readonly #maxEntries: number;
  readonly #refreshWindowMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: CredentialCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#refreshWindowMs = (options.refreshWindowSeconds ?? 600) * 1000;
    this.#maxAgeMs =
      options.maxAgeSeconds === undefined ? Number.POSITIVE_INFINITY : options.maxAgeSeconds * 1000;
    this.#now = options.now ?? Date.now;
    this.#failureHoldMs = (options.failureHoldSeconds ?? 2) * 1000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 0) {
      throw new RangeError(`cache.maxEntries must be a non-negative integer, got ${options.maxEntries}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached value for `key` when it has at least `minRemainingMs` (default the refresh
   * window) left, otherwise the result of `load`, shared with concurrent callers.
   */
  async get(
    key: string,
    expiresAt: (value: T) => number,
    load: () => Promise<T>,
    options: { minRemainingMs?: number } = {},
  ): Promise<{ value: T; outcome: CacheOutcome }> {
    const minRemaining = options.minRemainingMs ?? this.#refreshWindowMs;
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry) {
      if (entry.expiresAt - now >= minRemaining && now - entry.issuedAt < this.#maxAgeMs) {
        // Move to the back: Map iteration order is the LRU order.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return { value: entry.value, outcome: 'hit' };
      }
      this.#entries.delete(key);
    }
    const pending = this.#inflight.get(key);
    if (pending) return { value: (await pending).value, outcome: 'shared' };
    const failure = this.#failures.get(key);
    if (failure) {
      if (failure.until > now) throw failure.error;
      this.#failures.delete(key);
    }
    const call = (async () => {
      let value: T;
      try {
        value = await load();
      } catch (error) {
        if (this.#failureHoldMs > 0) {
          // Bounded like the entries: a flood of failing keys must not grow memory.
          if (this.#failures.size >= Math.max(this.#maxEntries, 1)) this.#failures.clear();
          this.#failures.set(key, { error, until: this.#now() + this.#failureHoldMs });
        }
        throw error;
      }
      const fresh: Entry<T> = { value, expiresAt: expiresAt(value), issuedAt: this.#now() };
      this.#store(key, fresh);
      return fresh;
    })();
    this.#inflight.set(key, call);
    try {
      return { value: (await call).value, outcome: 'miss' };
    } finally {
      this.#inflight.delete(key);
    }
  }

  /** Drops one key (e.g. after a revocation) or everything, with any failure held for it. */
  clear(key?: string): void {
    if (key === undefined) {
      this.#entries.clear();
      this.#failures.clear();
    } else {
      this.#entries.delete(key);
      this.#failures.delete(key);
    }
  }

  /** Drops `key`'s entry when `predicate` says so of its value; whether it did. */
  evictIf(key: string, predicate: (value: T) => boolean): boolean {
    const entry = this.#entries.get(key);
    if (!entry || !predicate(entry.value)) return false;
    this.#entries.delete(key);
    return true;
  }

  /** Drops every key the predicate selects (e.g. all scopes of one user). */
  clearWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (predicate(key)) this.#entries.delete(key);
    for (const key of [...this.#failures.keys()]) if (predicate(key)) this.#failures.delete(key);
  }

  #store(key: string, entry: Entry<T>): void {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
