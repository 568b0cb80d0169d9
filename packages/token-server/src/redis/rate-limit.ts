import { TokenServerError } from '../errors.js';
import { MemoryRateLimitStore, type RateLimitHit, type RateLimitStore } from '../stores/rate-limit-store.js';
import type { RedisLink } from './redis-link.js';

// INCR and the window's expiry in one step: two instances counting at once both count, and
// a key never outlives its window (a crash between INCR and PEXPIRE cannot leave it forever).
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

export interface RedisRateLimitStoreOptions {
  /** Key prefix. Default `s3up:`. */
  namespace?: string;
  /**
   * When Redis cannot count: `open` (the default) counts in this instance's memory, so each
   * instance still limits (a user gets the limit once per instance) and uploads go on;
   * `closed` refuses with 429 and `Retry-After: 5`. Open, because the limit guards one
   * user's excess, not safety: authentication, the per-user prefix and the credential
   * cache still hold, while failing closed turns a Redis outage into an outage for everyone.
   */
  failMode?: 'open' | 'closed';
  /** Clock of the fallback. Default `Date.now`. */
  now?: () => number;
}

/**
 * Rate limits counted in Redis, so all instances share one count per user and IP: the 31st
 * request in a window is refused whichever instance gets it.
 *
 * @example
 * ```ts
 * const stores = createRedisStores({ redis: 'redis://10.0.0.5:6379', encryptionKey });
 * createTokenServer({ ..., rateLimit: { store: stores.rateLimit } });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #failMode: 'open' | 'closed';
  readonly #fallback: MemoryRateLimitStore;
  readonly #now: () => number;

  constructor(link: RedisLink, options: RedisRateLimitStoreOptions = {}) {
    this.#link = link;
    this.#prefix = `${options.namespace ?? 's3up:'}rl:`;
    this.#failMode = options.failMode ?? 'open';
    this.#now = options.now ?? Date.now;
    this.#fallback = new MemoryRateLimitStore({ now: this.#now });
    if (this.#failMode !== 'open' && this.#failMode !== 'closed') {
      throw new TokenServerError(
        'invalid_config',
        `failMode must be "open" or "closed", got "${options.failMode}".`,
      );
    }
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    try {
      const [count, ttl] = (await this.#link.run('rateLimit.hit', (c) =>
        c.eval(HIT, 1, this.#prefix + key, String(windowMs)),
      )) as [number, number];
      return { count, resetAt: this.#now() + ttl };
    } catch (cause) {
      if (this.#failMode === 'open') return this.#fallback.hit(key, windowMs);
      throw new TokenServerError('rate_limited', 'Requests cannot be counted right now; retry shortly.', {
        retryAfterSeconds: 5,
        cause,
      });
    }
  }

  async reset(key: string): Promise<void> {
    await this.#fallback.reset(key);
    await this.#link.run('rateLimit.reset', (c) => c.del(this.#prefix + key));
  }
}
