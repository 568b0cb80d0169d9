import {
  type FailureHoldStore,
  type HeldFailure,
  MemoryFailureHoldStore,
} from '../stores/failure-hold-store.js';
import { encodeKey, globEscape, scanDelete } from './credential-store.js';
import type { RedisLink } from './redis-link.js';

/**
 * Failure holds in Redis: after an STS failure, every instance answers the same error for
 * the hold instead of calling STS again. Only the client-safe code, message and
 * Retry-After are stored. While Redis is down, holds are per instance.
 */
export class RedisFailureHoldStore implements FailureHoldStore {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #fallback = new MemoryFailureHoldStore();

  constructor(link: RedisLink, options: { namespace?: string } = {}) {
    this.#link = link;
    this.#prefix = `${options.namespace ?? 's3up:'}hold:`;
  }

  async get(key: string): Promise<HeldFailure | undefined> {
    let text: string | null;
    try {
      text = await this.#link.run('hold.get', (c) => c.get(this.#prefix + encodeKey(key)));
    } catch {
      return this.#fallback.get(key);
    }
    if (!text) return undefined;
    try {
      const held = JSON.parse(text) as HeldFailure;
      return typeof held.code === 'string' && typeof held.message === 'string' ? held : undefined;
    } catch {
      return undefined;
    }
  }

  async hold(key: string, failure: HeldFailure, holdMs: number): Promise<void> {
    const shared = {
      code: failure.code,
      message: failure.message,
      ...(failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds }),
    };
    try {
      await this.#link.run('hold.set', (c) =>
        c.set(this.#prefix + encodeKey(key), JSON.stringify(shared), 'PX', Math.max(1, Math.round(holdMs))),
      );
    } catch {
      await this.#fallback.hold(key, failure, holdMs);
    }
  }

  async clear(prefix?: string): Promise<void> {
    await this.#fallback.clear(prefix);
    await scanDelete(this.#link, `${this.#prefix}${globEscape(encodeKey(prefix ?? ''))}*`);
  }
}
