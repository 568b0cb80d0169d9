/**
 * A failed STS load, as it is answered again while held. `code`, `message` and
 * `retryAfterSeconds` are those of the TokenServerError sent to the client (safe to share:
 * never an AWS message or a secret).
 */
export interface HeldFailure {
  code: string;
  message: string;
  retryAfterSeconds?: number;
  /** The original error. Only an in-process store keeps it (it cannot cross instances). */
  error?: unknown;
}

/**
 * Failure holds: after an STS load fails, the same answer is given for a moment without
 * calling STS again, so an outage is not turned into a retry storm. Shared by instances,
 * an outage costs one failed call per hold, not one per instance.
 *
 * Keys are the credential cache's (user, scope, duration) keys.
 */
export interface FailureHoldStore {
  /** The failure held for `key`, if its hold has not ended. */
  get(key: string): Promise<HeldFailure | undefined>;
  /** Holds `failure` for `key` during `holdMs`. */
  hold(key: string, failure: HeldFailure, holdMs: number): Promise<void>;
  /** Drops the holds of every key that starts with `prefix` (one user's), or all. */
  clear(prefix?: string): Promise<void>;
}

export interface MemoryFailureHoldStoreOptions {
  /** Most holds kept; past it all are dropped (a flood of failing keys must not grow memory). Default 10,000. */
  maxEntries?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** The default: holds in this process's memory, keeping the original error. */
export class MemoryFailureHoldStore implements FailureHoldStore {
  readonly #holds = new Map<string, { failure: HeldFailure; until: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryFailureHoldStoreOptions = {}) {
    this.#maxEntries = Math.max(options.maxEntries ?? 10_000, 1);
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<HeldFailure | undefined> {
    const held = this.#holds.get(key);
    if (!held) return undefined;
    if (held.until > this.#now()) return held.failure;
    this.#holds.delete(key);
    return undefined;
  }

  async hold(key: string, failure: HeldFailure, holdMs: number): Promise<void> {
    if (this.#holds.size >= this.#maxEntries) this.#holds.clear();
    this.#holds.set(key, { failure, until: this.#now() + holdMs });
  }

  async clear(prefix?: string): Promise<void> {
    if (prefix === undefined) this.#holds.clear();
    else for (const key of [...this.#holds.keys()]) if (key.startsWith(prefix)) this.#holds.delete(key);
  }
}
