import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { RateLimitStore } from './stores/rate-limit-store.js';

/**
 * Lets express-rate-limit count in a RateLimitStore, so the Express router and every other
 * adapter share one store (and, with Redis, one count across instances).
 */
export class ExpressRateLimitStore implements Store {
  readonly localKeys: boolean;
  readonly prefix: string;
  readonly #store: RateLimitStore;
  #windowMs = 60_000;

  /** `prefix` keeps the per-IP and per-user limiters' keys apart in a shared store. */
  constructor(store: RateLimitStore, prefix: string, localKeys: boolean) {
    this.#store = store;
    this.prefix = prefix;
    this.localKeys = localKeys;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { count, resetAt } = await this.#store.hit(this.prefix + key, this.#windowMs);
    return { totalHits: count, resetTime: new Date(resetAt) };
  }

  // A fixed-window count is not taken back (express-rate-limit calls this only with
  // skipFailedRequests/skipSuccessfulRequests, which the router does not use).
  async decrement(_key: string): Promise<void> {}

  async resetKey(key: string): Promise<void> {
    await this.#store.reset(this.prefix + key);
  }
}
