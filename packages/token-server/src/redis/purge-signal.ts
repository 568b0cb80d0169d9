import type { Redis } from 'ioredis';
import type { PurgeMessage, PurgeSignal } from '../stores/purge-signal.js';
import type { RedisLink } from './redis-link.js';

/** Cut-offs outlive the longest session (12 h): past that nothing they cover is served. */
const CUTOFF_TTL_MS = 12 * 3600_000 + 60_000;

// Keeps the later of the stored and the new cut-off (two purges in any order end the same).
const RAISE = `
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > old then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`;

/** The Redis keys of one user's cut-off and everyone's. */
export function cutoffKeys(namespace: string, userId: string | undefined): [string, string] {
  return [`${namespace}cutoff:user:${encodeURIComponent(userId ?? '')}`, `${namespace}cutoff:all`];
}

/**
 * Purges and revocations for every instance: `publish` stores the cut-off in Redis (the
 * credential store checks it on every read, so a revocation holds even on an instance that
 * missed the message) and publishes it on a channel each instance subscribes to (to drop
 * what it keeps in its own memory). The subscription uses its own connection, as Redis
 * requires.
 */
export class RedisPurgeSignal implements PurgeSignal {
  readonly #link: RedisLink;
  readonly #ns: string;
  readonly #channel: string;
  readonly #listeners = new Set<(message: PurgeMessage) => void>();
  #subscriber: Redis | undefined;

  constructor(link: RedisLink, options: { namespace?: string } = {}) {
    this.#link = link;
    this.#ns = options.namespace ?? 's3up:';
    this.#channel = `${this.#ns}purge`;
  }

  /** Throws when Redis cannot be reached: the purge then covers this instance only. */
  async publish(message: PurgeMessage): Promise<void> {
    // This instance first, whatever Redis does.
    for (const listener of this.#listeners) listener(message);
    const [userKey, allKey] = cutoffKeys(this.#ns, message.userId);
    const key = message.userId === undefined ? allKey : userKey;
    await this.#link.run('purge.store', (c) =>
      c.eval(RAISE, 1, key, String(message.before), String(CUTOFF_TTL_MS)),
    );
    await this.#link.run('purge.publish', (c) => c.publish(this.#channel, JSON.stringify(message)));
  }

  subscribe(listener: (message: PurgeMessage) => void): () => void {
    const own = (message: PurgeMessage) => listener(message);
    this.#listeners.add(own);
    this.#ensureSubscriber();
    return () => {
      this.#listeners.delete(own);
    };
  }

  /** Resolves once the subscription is active (tests and start-up checks). */
  async ready(timeoutMs = 5000): Promise<void> {
    const subscriber = this.#ensureSubscriber();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        subscriber.subscribe(this.#channel),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the Redis purge subscription did not start within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #ensureSubscriber(): Redis {
    if (this.#subscriber) return this.#subscriber;
    // Offline queue on: the SUBSCRIBE waits for the connection, and ioredis re-subscribes
    // after every reconnect.
    const subscriber = this.#link.client.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    subscriber.on('error', () => {}); // the main link reports the outage once
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.#channel) return;
      const message = parseMessage(text);
      if (!message) return;
      // Ours too: publish already told our listeners, and a second telling is harmless.
      for (const listener of this.#listeners) listener(message);
    });
    subscriber.subscribe(this.#channel).catch(() => {});
    this.#subscriber = subscriber;
    return subscriber;
  }
}

function parseMessage(text: string): PurgeMessage | undefined {
  try {
    const m = JSON.parse(text) as { userId?: unknown; before?: unknown };
    if (typeof m.before !== 'number') return undefined;
    if (m.userId !== undefined && typeof m.userId !== 'string') return undefined;
    return { ...(typeof m.userId === 'string' ? { userId: m.userId } : {}), before: m.before };
  } catch {
    return undefined;
  }
}
