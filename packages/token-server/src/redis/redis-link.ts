import { Redis, type RedisOptions } from 'ioredis';

/** What the Redis stores report; the default writes one JSON line on stderr for `down` and `up`. */
export type RedisEvent =
  | { type: 'down'; error: string }
  | { type: 'up' }
  | { type: 'error'; operation: string; error: string };

export interface RedisLinkOptions {
  /**
   * Every Redis call gives up after this long. Default 250 ms: Redis answers in about a
   * millisecond; a request must not wait long for a store that has its own fallback.
   */
  commandTimeoutMs?: number;
  /** Told when Redis goes down, comes back, and of each failed call (metrics). */
  onEvent?: (event: RedisEvent) => void;
}

/** The error name and code only: a Redis error message may quote a key or a value. */
export function describeRedisError(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  if (name === 'RedisTimeoutError') return 'timeout';
  return code ? `${name} ${code}` : name;
}

class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/**
 * One Redis connection shared by the stores, with a timeout on every call and an up/down
 * state that is logged once per change (not once per request).
 */
export class RedisLink {
  readonly client: Redis;
  readonly #timeoutMs: number;
  readonly #onEvent: (event: RedisEvent) => void;
  readonly #owned: boolean;
  #down = false;

  constructor(redis: Redis | string, options: RedisLinkOptions = {}) {
    this.#timeoutMs = options.commandTimeoutMs ?? 250;
    this.#onEvent = options.onEvent ?? defaultOnEvent;
    this.#owned = typeof redis === 'string';
    this.client = typeof redis === 'string' ? new Redis(redis, linkOptions(this.#timeoutMs)) : redis;
    // Without a listener ioredis prints every reconnect error; ours logs the change once.
    this.client.on('error', (error: unknown) => this.#markDown(error));
    this.client.on('ready', () => this.#markUp());
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Whether the last call or connection attempt failed. */
  get down(): boolean {
    return this.#down;
  }

  /** Runs one Redis call with the timeout; a failure marks the link down and is rethrown. */
  async run<R>(operation: string, call: (client: Redis) => Promise<R>): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(this.client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new RedisTimeoutError(`Redis ${operation} took over ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#markUp();
      return result;
    } catch (error) {
      this.#onEvent({ type: 'error', operation, error: describeRedisError(error) });
      this.#markDown(error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection when the link opened it. */
  async close(): Promise<void> {
    if (this.#owned) this.client.disconnect();
  }

  #markDown(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#onEvent({ type: 'down', error: describeRedisError(error) });
  }

  #markUp(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#onEvent({ type: 'up' });
  }
}

/** Client settings for stores that must fail fast: no queue while disconnected, timeouts everywhere. */
export function linkOptions(timeoutMs: number): RedisOptions {
  return {
    // Fail at once while disconnected instead of queueing requests behind an outage.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(1000, timeoutMs * 4),
    // Keep reconnecting in the background, at most every 2 s.
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
    lazyConnect: false,
  };
}

function defaultOnEvent(event: RedisEvent): void {
  if (event.type === 'error') return;
  const line =
    event.type === 'down'
      ? {
          level: 'warn',
          msg: 'redis.down',
          error: event.error,
          effect:
            'rate limits per the failMode; credential cache, failure holds and purges per instance until Redis is back',
        }
      : { level: 'info', msg: 'redis.up' };
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
}
