import { TokenServerError } from '../../errors.js';
import type { RateLimitStore } from '../../stores/rate-limit-store.js';
import type { RequestContext } from '../context.js';

/**
 * A fixed-window limit per key (`ip:<addr>` before authentication, so bad tokens cannot
 * be brute-forced; `user:<id>` after it, so one user cannot drain STS for everyone).
 * Sets the IETF `RateLimit-Policy` / `RateLimit` headers (draft 8) and throws 429 with
 * `Retry-After` past the limit.
 */
export function rateLimiter(
  name: 'ip' | 'user',
  limit: number,
  windowMs: number,
  store: RateLimitStore,
  now: () => number,
) {
  const policy = `"${name}";q=${limit};w=${Math.ceil(windowMs / 1000)}`;
  return async function limitRequests(rc: RequestContext, key: string): Promise<void> {
    const { count, resetAt } = await store.hit(`${name}:${key}`, windowMs);
    const seconds = Math.max(1, Math.ceil((resetAt - now()) / 1000));
    rc.headers['ratelimit-policy'] = policy;
    rc.headers.ratelimit = `"${name}";r=${Math.max(0, limit - count)};t=${seconds}`;
    if (count > limit) {
      throw new TokenServerError('rate_limited', 'Too many requests; retry later.', {
        retryAfterSeconds: seconds,
        cause: { limiter: name, key: `${name}:${key}`, windowEndsAt: resetAt },
      });
    }
  };
}
