import { type LocalRedis, startRedis } from '@s3up/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PurgeMessage } from '../../src/index.js';
import { publishRevocation } from '../../src/redis/index.js';
import { metricSum, startTokenCluster, type TokenCluster } from '../support/token-cluster.js';

const local = inject('localS3');

/** Resolves with the first message the signal delivers, or rejects after `ms`. */
function nextPurge(cluster: TokenCluster, instance: number, ms = 1000): Promise<PurgeMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`instance ${instance} heard no purge within ${ms} ms`)),
      ms,
    );
    const stop = cluster.instances[instance]!.stores.purge.subscribe((message) => {
      clearTimeout(timer);
      stop();
      resolve(message);
    });
  });
}

describe('three token-server instances on one Redis', () => {
  let redis: LocalRedis;
  let cluster: TokenCluster;
  let limited: TokenCluster;

  beforeAll(async () => {
    redis = await startRedis();
    [cluster, limited] = await Promise.all([
      startTokenCluster({ local, redisUrl: redis.url, perUser: 1000 }),
      startTokenCluster({ local, redisUrl: redis.url, perUser: 30, redis: { namespace: 's3up-limited:' } }),
    ]);
  });
  afterAll(async () => {
    await cluster?.close();
    await limited?.close();
    await redis?.stop();
  });

  it('a user has one rate limit across instances: the 31st request in the window is a 429, whichever instance gets it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await limited.credentials('rl-user')).status);
    expect(statuses).toEqual(Array(30).fill(200));
    // Each instance served a third: alone, none would be near its limit of 30.
    expect(limited.served).toEqual([10, 10, 10]);
    for (const instance of limited.instances) {
      const res = await limited.credentials('rl-user', instance.running.url);
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    }
    // Each instance counted its refusal (metrics: refusals by code).
    expect(await metricSum(limited, 's3up_token_refusals_total', { code: 'rate_limited' })).toBe(3);
    // Another user is not limited by rl-user's requests.
    expect((await limited.credentials('rl-other')).status).toBe(200);
  });

  it('50 concurrent first requests for one user across the three make one AssumeRole on the wire', async () => {
    const before = cluster.sts.count('AssumeRole');
    const counted = {
      miss: await metricSum(cluster, 's3up_token_cache_requests_total', { outcome: 'miss' }),
      served: await metricSum(cluster, 's3up_token_cache_requests_total'),
      stsCalls: await metricSum(cluster, 's3up_token_sts_request_duration_seconds', {}, '_count'),
      issued: await metricSum(cluster, 's3up_token_issuances_total', { kind: 'credentials' }),
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => cluster.credentials('burst-user')));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(cluster.sts.count('AssumeRole') - before).toBe(1);
    expect(new Set(results.map((r) => r.body.accessKeyId)).size).toBe(1);
    // The metrics tell the same story: one miss, one timed STS call, 49 served without one.
    const after = {
      miss: await metricSum(cluster, 's3up_token_cache_requests_total', { outcome: 'miss' }),
      served: await metricSum(cluster, 's3up_token_cache_requests_total'),
      stsCalls: await metricSum(cluster, 's3up_token_sts_request_duration_seconds', {}, '_count'),
      issued: await metricSum(cluster, 's3up_token_issuances_total', { kind: 'credentials' }),
    };
    expect({
      miss: after.miss - counted.miss,
      served: after.served - counted.served,
      stsCalls: after.stsCalls - counted.stsCalls,
      issued: after.issued - counted.issued,
    }).toEqual({ miss: 1, served: 50, stsCalls: 1, issued: 50 });
    // And every instance answered some of them.
    expect(cluster.served.every((n) => n > 0)).toBe(true);
  });

  it('clearCache(user) on one instance is honoured by the others at once, and its purge message reaches them', async () => {
    const first = await cluster.credentials('purge-user');
    for (const i of cluster.instances) {
      expect((await cluster.credentials('purge-user', i.running.url)).body.accessKeyId).toBe(
        first.body.accessKeyId,
      );
    }
    const heard = [nextPurge(cluster, 1), nextPurge(cluster, 2)];
    await cluster.instances[0]!.server.clearCache('purge-user');
    expect((await Promise.all(heard)).map((m) => m.userId)).toEqual(['purge-user', 'purge-user']);
    const after = await Promise.all(
      cluster.instances.map((i) => cluster.credentials('purge-user', i.running.url)),
    );
    const keys = new Set(after.map((r) => r.body.accessKeyId));
    expect(keys.size).toBe(1); // one new session, shared again
    expect(keys.has(first.body.accessKeyId)).toBe(false);
  });

  it('a revocation published without a token server (after s3up revoke) stops every instance serving older sessions', async () => {
    const old = await cluster.credentials('revoked-user');
    const other = await cluster.credentials('kept-user');
    const heard = cluster.instances.map((_, n) => nextPurge(cluster, n));
    await publishRevocation(redis.url, { before: new Date(), userId: 'revoked-user' });
    await Promise.all(heard);
    for (const i of cluster.instances) {
      const res = await cluster.credentials('revoked-user', i.running.url);
      expect(res.status).toBe(200);
      expect(res.body.accessKeyId).not.toBe(old.body.accessKeyId);
      expect((await cluster.credentials('kept-user', i.running.url)).body.accessKeyId).toBe(
        other.body.accessKeyId,
      );
    }
  });

  it('no secret is readable in Redis: every key and value is scanned', async () => {
    const issued = await Promise.all(['scan-a', 'scan-b', 'scan-c'].map((u) => cluster.credentials(u)));
    const client = new Redis(redis.url);
    try {
      const secrets = issued.flatMap((r) => [r.body.secretAccessKey, r.body.sessionToken] as string[]);
      expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
      let cursor = '0';
      let scanned = 0;
      let sealed = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          scanned += 1;
          const type = await client.type(key);
          const value =
            type === 'string' ? ((await client.get(key)) ?? '') : JSON.stringify(await client.dump(key));
          if (value.startsWith('v1.')) sealed += 1;
          for (const secret of secrets) {
            expect(key).not.toContain(secret);
            expect(value).not.toContain(secret);
            expect(value).not.toContain(Buffer.from(secret).toString('base64'));
          }
        }
      } while (cursor !== '0');
      expect(scanned).toBeGreaterThan(0);
      expect(sealed).toBeGreaterThanOrEqual(3);
      // And no audit line carries them either.
      for (const line of cluster.logLines) for (const secret of secrets) expect(line).not.toContain(secret);
    } finally {
      client.disconnect();
    }
  });
});

describe('Redis down mid-load', () => {
  it.each([
    ['open', 200],
    ['closed', 429],
  ] as const)(
    'fail %s: one log line per instance, the documented answer, and no hung request',
    async (failMode, status) => {
      const redis = await startRedis();
      // Stopped even when the cluster fails to start: a failed run leaves no redis-server.
      const cluster = await startTokenCluster({
        local,
        redisUrl: redis.url,
        perUser: 1000,
        redis: { rateLimitFailMode: failMode },
      }).catch(async (error: unknown) => {
        await redis.stop();
        throw error;
      });
      try {
        const first = await cluster.credentials('outage-user');
        expect(first.status).toBe(200);
        // Load in flight while Redis dies; every request must settle (credentials() aborts at 10 s).
        const load = Promise.all(
          Array.from({ length: 30 }, (_, n) => cluster.credentials(n % 2 ? 'outage-user' : `outage-${n}`)),
        );
        await redis.kill();
        const during = await load;
        expect(during.every((r) => r.status === 200 || r.status === status)).toBe(true);
        const stsBefore = cluster.sts.count('AssumeRole');
        const after = await Promise.all(
          Array.from({ length: 9 }, (_, n) => cluster.credentials(`after-outage-${n % 3}`)),
        );
        expect(after.map((r) => r.status)).toEqual(Array(9).fill(status));
        if (failMode === 'open') {
          // The cache goes on per instance: at most one AssumeRole per user and instance.
          const again = await Promise.all(
            Array.from({ length: 9 }, (_, n) => cluster.credentials(`after-outage-${n % 3}`)),
          );
          expect(again.map((r) => r.status)).toEqual(Array(9).fill(200));
          // 18 requests, 3 users, 3 instances: at most one STS call per user and instance.
          expect(cluster.sts.count('AssumeRole') - stsBefore).toBeLessThanOrEqual(9);
        } else {
          expect(after[0]!.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
        }
        for (const instance of cluster.instances) {
          expect(instance.events.filter((e) => e.type === 'down')).toHaveLength(1);
        }
        expect(await metricSum(cluster, 's3up_token_redis_down_total')).toBe(3);
        expect(await metricSum(cluster, 's3up_token_redis_errors_total')).toBeGreaterThan(0);
        // The scrape endpoint serves them.
        const endpoint = await cluster.instances[0]!.metrics.listen();
        try {
          const text = await (await fetch(endpoint.url)).text();
          expect(text).toMatch(/^s3up_token_redis_down_total 1$/m);
          expect(text).toMatch(/^s3up_token_sts_request_duration_seconds_count \d+$/m);
        } finally {
          await endpoint.close();
        }
      } finally {
        await cluster.close();
        await redis.stop();
      }
    },
  );
});
