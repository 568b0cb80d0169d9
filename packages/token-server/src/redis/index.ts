import type { Redis } from 'ioredis';
import type { Issued } from '../credential-issuer.js';
import { TokenServerError } from '../errors.js';
import { RedisCredentialStore } from './credential-store.js';
import { RedisFailureHoldStore } from './failure-hold-store.js';
import { RedisPurgeSignal } from './purge-signal.js';
import { RedisRateLimitStore } from './rate-limit.js';
import { type RedisEvent, RedisLink } from './redis-link.js';
import { SealedBox } from './sealed-box.js';

export { RedisCredentialStore, type RedisCredentialStoreOptions } from './credential-store.js';
export { RedisFailureHoldStore } from './failure-hold-store.js';
export { cutoffKeys, RedisPurgeSignal } from './purge-signal.js';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './rate-limit.js';
export { describeRedisError, type RedisEvent, RedisLink, type RedisLinkOptions } from './redis-link.js';
export { SealedBox } from './sealed-box.js';

export interface RedisStoresOptions {
  /** A `redis://` URL (the stores open and close their connection) or your ioredis client. */
  redis: string | Redis;
  /**
   * Required for the credential cache: 32 random bytes as base64 (`openssl rand -base64 32`),
   * the same on every instance. Cached secrets are sealed with it (AES-256-GCM) before they
   * reach Redis. Without it `createRedisStores` refuses to start rather than store secrets
   * readable by anyone who can read Redis; pass `credentialCache: false` to share only
   * limits, holds and purges.
   */
  encryptionKey?: string | Uint8Array;
  /** `false`: keep the credential cache per instance (no key needed). Default true. */
  credentialCache?: boolean;
  /** Key and channel prefix, for several deployments on one Redis. Default `s3up:`. */
  namespace?: string;
  /** See RedisRateLimitStoreOptions.failMode. Default `open`. */
  rateLimitFailMode?: 'open' | 'closed';
  /** Each Redis call's timeout. Default 250 ms. */
  commandTimeoutMs?: number;
  /** Told of outages, recoveries and failed calls. Default: one JSON line on stderr per outage and recovery. */
  onEvent?: (event: RedisEvent) => void;
}

export interface RedisStores {
  rateLimit: RedisRateLimitStore;
  /** Undefined with `credentialCache: false`. */
  credentials: RedisCredentialStore<Issued> | undefined;
  failures: RedisFailureHoldStore;
  purge: RedisPurgeSignal;
  link: RedisLink;
  /** The token server options that use them: spread into createTokenServer / createTokenRouter. */
  options: {
    rateLimit: { store: RedisRateLimitStore };
    cache: { store?: RedisCredentialStore<Issued>; failures: RedisFailureHoldStore };
    purge: RedisPurgeSignal;
  };
  /** Resolves once the purge subscription is live (call before taking traffic). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every store the token server keeps, in Redis, so several instances act as one: one rate
 * limit, one credential cache with one AssumeRole per user and scope, shared failure holds,
 * and purges/revocations that reach every instance.
 *
 * @example
 * ```ts
 * import { createRedisStores } from '@s3up/token-server/redis';
 * const stores = createRedisStores({ redis: process.env.REDIS_URL!, encryptionKey: process.env.S3UP_REDIS_CACHE_KEY });
 * await stores.ready();
 * const server = createTokenServer({ ...config, ...stores.options, rateLimit: { perUser: 30, ...stores.options.rateLimit } });
 * ```
 */
export function createRedisStores(options: RedisStoresOptions): RedisStores {
  const useCache = options.credentialCache ?? true;
  if (useCache && options.encryptionKey === undefined) {
    throw new TokenServerError(
      'invalid_config',
      'The Redis credential cache needs an encryption key, or cached secrets would be readable by anyone who can read Redis: set S3UP_REDIS_CACHE_KEY (encryptionKey) to 32 random bytes as base64, the same on every instance (openssl rand -base64 32), or turn the shared cache off (credentialCache: false).',
    );
  }
  const box = useCache ? new SealedBox(options.encryptionKey!, 'S3UP_REDIS_CACHE_KEY') : undefined;
  const link = new RedisLink(options.redis, {
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const namespace = options.namespace ?? 's3up:';
  const rateLimit = new RedisRateLimitStore(link, {
    namespace,
    ...(options.rateLimitFailMode ? { failMode: options.rateLimitFailMode } : {}),
  });
  const credentials = box ? new RedisCredentialStore<Issued>(link, box, { namespace }) : undefined;
  const failures = new RedisFailureHoldStore(link, { namespace });
  const purge = new RedisPurgeSignal(link, { namespace });
  return {
    rateLimit,
    credentials,
    failures,
    purge,
    link,
    options: {
      rateLimit: { store: rateLimit },
      cache: { ...(credentials ? { store: credentials } : {}), failures },
      purge,
    },
    ready: () => purge.ready(),
    async close() {
      await purge.close();
      await link.close();
    },
  };
}

/**
 * Publishes a revocation to every instance on this Redis without running a token server
 * (after `s3up revoke --before T`): none serves a cached session issued before `before`.
 */
export async function publishRevocation(
  redis: string | Redis,
  revocation: { before: Date; userId?: string; namespace?: string },
): Promise<void> {
  const link = new RedisLink(redis, { commandTimeoutMs: 2000, onEvent: () => {} });
  const signal = new RedisPurgeSignal(link, { namespace: revocation.namespace ?? 's3up:' });
  try {
    await waitReady(link);
    await signal.publish({
      ...(revocation.userId === undefined ? {} : { userId: revocation.userId }),
      before: revocation.before.getTime(),
    });
  } finally {
    await signal.close();
    await link.close();
  }
}

async function waitReady(link: RedisLink): Promise<void> {
  if (link.client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000);
    link.client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
