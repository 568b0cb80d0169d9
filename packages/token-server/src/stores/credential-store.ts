/** A cached session and the two instants the cache decides by. */
export interface CachedCredential<T> {
  value: T;
  /** When the credentials expire (epoch ms). */
  expiresAt: number;
  /**
   * When the STS call that made them started (epoch ms): never later than STS's issue
   * time, so a purge "before T" also drops a session whose call was under way at T.
   */
  issuedAt: number;
}

/** Releases a single-flight lock; safe to call after it expired or twice. */
export type ReleaseLock = () => Promise<void>;

/**
 * Where cached credentials live. Keys are `<userId>\0<scope>\0<duration>` (the issuer's),
 * so `clear(userId + '\0')` drops one user's sessions in every scope.
 *
 * A store shared by instances must keep secrets unreadable at rest (the Redis store
 * encrypts them) and may drop entries early; it must never serve one past `expiresAt`.
 */
export interface CredentialStore<T> {
  get(key: string): Promise<CachedCredential<T> | undefined>;
  /** Keeps `entry` under `key`, at most until its `expiresAt`. */
  set(key: string, entry: CachedCredential<T>): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops every key that starts with `prefix`, or all. */
  clear(prefix?: string): Promise<void>;
  /**
   * Single flight across instances: try to become the one caller loading `key`. Resolves to
   * a release function when this caller may load, or `undefined` while another holds the
   * lock (the cache then waits for that caller's entry, retrying the lock). The lock ends by
   * itself after `ttlMs`, so a crashed holder blocks nobody for longer.
   *
   * A store used by one process can always grant it: the cache already shares one load
   * among concurrent callers in the process.
   */
  lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined>;
}

export interface MemoryCredentialStoreOptions {
  /**
   * Most entries kept. Default 10,000: about 10 MB, far more users than are active in one
   * credential lifetime on a typical deployment. The least recently used goes first.
   */
  maxEntries?: number;
}

const noLock: ReleaseLock = async () => {};

/**
 * The default: entries in this process's memory, least recently used dropped first. Its
 * `lock` always grants (one process needs no lock beyond the cache's own single flight).
 *
 * @example
 * ```ts
 * const cache = new CredentialCache<Issued>({ store: new MemoryCredentialStore({ maxEntries: 1000 }) });
 * ```
 */
export class MemoryCredentialStore<T> implements CredentialStore<T> {
  readonly #entries = new Map<string, CachedCredential<T>>();
  readonly #maxEntries: number;

  constructor(options: MemoryCredentialStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 0) {
      throw new RangeError(`cache.maxEntries must be a non-negative integer, got ${options.maxEntries}`);
    }
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<CachedCredential<T> | undefined> {
    const entry = this.#entries.get(key);
    if (entry) {
      // Move to the back: Map iteration order is the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  async set(key: string, entry: CachedCredential<T>): Promise<void> {
    if (this.#maxEntries === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async clear(prefix?: string): Promise<void> {
    if (prefix === undefined) this.#entries.clear();
    else for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  async lock(_key: string, _ttlMs: number): Promise<ReleaseLock | undefined> {
    return noLock;
  }
}
