/** One counted request: how many the key has made in the current window, and when it ends. */
export interface RateLimitHit {
  /** Requests counted for the key in this window, this one included. */
  count: number;
  /** When the window ends and the count starts again (epoch ms). */
  resetAt: number;
}

/**
 * Where the rate limiter counts. One `hit` is one request; the count and reset time it
 * answers are what every instance sharing the store sees, so N instances give a user one
 * limit, not N. Fixed windows: a key's window starts at its first request and lasts
 * `windowMs`.
 *
 * Implementations must count atomically (two instances hitting at once both count) and may
 * throw when they cannot count; the limiter then fails open or closed as configured.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  /** Forgets a key's count (tests, an operator lifting a limit). */
  reset(key: string): Promise<void>;
}

export interface MemoryRateLimitStoreOptions {
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * The default: counts in this process's memory. Right for one instance; with several, each
 * counts alone (use the Redis store from `@s3up/token-server/redis`).
 *
 * @example
 * ```ts
 * const store = new MemoryRateLimitStore();
 * const { count, resetAt } = await store.hit('user:alice', 60_000);
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, RateLimitHit>();
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = this.#now();
    // Expired windows are dropped at most once per window length, so memory follows the
    // keys active in the last window, not every key ever seen.
    if (now >= this.#nextSweep) {
      for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k);
      this.#nextSweep = now + windowMs;
    }
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetAt: window.resetAt };
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }
}
