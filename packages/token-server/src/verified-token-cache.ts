import type { AuthResult } from './authenticator.js';

export interface VerifiedTokenCacheOptions {
  /**
   * Most tokens remembered. Default 10,000: about 4 MB of tokens, more users than are active
   * in one token lifetime; the oldest verification goes first.
   */
  maxEntries?: number;
}

interface Entry {
  result: AuthResult;
  /** Epoch ms from which the entry is never served: the token's `exp` (or `iat` + max age). */
  until: number;
}

/**
 * Tokens already verified, keyed by the token itself, each until its `exp` at the latest.
 * A JWT's verdict depends only on its bytes, the key and the clock, so the cached path
 * skips the HMAC or signature check, the claim checks and the JSON parse (issue 21's
 * profile: jose's verify was the largest part of a cached request). Only accepted tokens
 * are kept: a refused string costs nothing to hold.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.#max = Math.max(1, Math.floor(options.maxEntries ?? 10_000));
  }

  /** The verified result while `now` is before the entry's end; the entry is dropped after. */
  get(token: string, now: number): AuthResult | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (now >= entry.until) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.result;
  }

  /** Remembers a verification until `until` (epoch ms); nothing when that is already past. */
  set(token: string, result: AuthResult, until: number, now: number): void {
    if (!(until > now)) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { result, until });
  }

  /** Drops the tokens of the users `which` accepts, or every token. */
  forget(which?: (userId: string) => boolean): void {
    if (!which) {
      this.#entries.clear();
      return;
    }
    for (const [token, entry] of this.#entries) if (which(entry.result.userId)) this.#entries.delete(token);
  }

  get size(): number {
    return this.#entries.size;
  }
}
