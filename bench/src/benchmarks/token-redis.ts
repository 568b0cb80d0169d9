import { randomBytes } from 'node:crypto';
import { type LocalRedis, roundRobinProxy, startRedis } from '@s3up/testkit';
import { createAuditLogger, jwtAuthenticator } from '@s3up/token-server';
import { createTokenServer, type RunningTokenServer } from '@s3up/token-server/node';
import { createRedisStores, type RedisStores } from '@s3up/token-server/redis';
import autocannon from 'autocannon';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { type JwtSettings, mintJwt } from '../jwt.js';
import { format, singles } from '../results.js';
import { credentialsRequest, postCredentials } from '../token-requests.js';

interface Setup {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * Issue #16: the token server on several instances. Cached-path req/s and p99 for one
 * instance in memory, one on Redis, and three on Redis behind a round-robin proxy, in one
 * run; then STS calls per user over a simulated hour, three instances against one.
 */
export const tokenRedis: Benchmark = {
  id: 'token-redis',
  title: 'Token server on several instances (Redis)',
  order: 55,
  async run(env, settings) {
    const local = await env.backend.ensureRoom(1);
    const tap = await env.tap();
    const jwt: JwtSettings = {
      secret: randomBytes(32).toString('base64url'),
      issuer: 's3up-bench',
      audience: 's3up',
    };
    const users = Array.from({ length: 100 }, (_, i) => `redis-user-${i}`);
    const tokens = users.map((u) => mintJwt(jwt, u));
    const seconds = settings.quick ? 3 : 10;
    const connections = 20;
    const encryptionKey = randomBytes(32).toString('base64');
    const redis: LocalRedis = await startRedis();
    const opened: (RedisStores | RunningTokenServer)[] = [];
    // `namespace`: instances given the same one share one cache and one limit, as a deployment's would.
    const instance = async (shared: boolean, now?: () => number, namespace?: string) => {
      const stores = shared
        ? createRedisStores({
            redis: redis.url,
            encryptionKey,
            namespace: namespace ?? `bench-${randomBytes(4).toString('hex')}:`,
          })
        : undefined;
      if (stores) {
        await stores.ready();
        opened.push(stores);
      }
      const server = createTokenServer({
        bucket: local.bucket,
        region: local.region,
        roleArn: local.roleArn,
        endpoint: tap.endpoint,
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
        credentials: {
          accessKeyId: local.service.accessKeyId,
          secretAccessKey: local.service.secretAccessKey,
        },
        authenticate: jwtAuthenticator(jwt),
        audit: createAuditLogger({ level: 'silent' }),
        ...(stores?.options ?? {}),
        rateLimit: { perUser: 1_000_000, perIp: 1_000_000, ...(stores ? stores.options.rateLimit : {}) },
        ...(now ? { now, cache: { now, ...(stores?.options.cache ?? {}) } } : {}),
      });
      const running = await server.listen(0, '127.0.0.1');
      opened.push(running);
      return running;
    };
    const results: { name: string; rps: number; p99: number; non2xx: number }[] = [];
    let stsOne = 0;
    let stsThree = 0;
    const hourUsers = settings.quick ? 5 : 20;
    try {
      const memory = await instance(false);
      const onRedis = await instance(true);
      // The three share one namespace (one cache, one limit), as a deployment would.
      const sharedNs = `bench-three-${randomBytes(4).toString('hex')}:`;
      const trio: RunningTokenServer[] = [];
      for (let i = 0; i < 3; i++) trio.push(await instance(true, undefined, sharedNs));
      const lb = await roundRobinProxy(trio.map((r) => r.url));
      const setups: Setup[] = [
        { name: '1 instance, memory', url: memory.url, close: async () => {} },
        { name: '1 instance, Redis', url: onRedis.url, close: async () => {} },
        { name: '3 instances, Redis, round-robin proxy', url: lb.url, close: () => lb.close() },
      ];
      for (const setup of setups) {
        for (let i = 0; i < tokens.length; i += 10) {
          const statuses = await Promise.all(
            tokens.slice(i, i + 10).map((t) => postCredentials(setup.url, t)),
          );
          const bad = statuses.find((s) => s !== 200);
          if (bad) throw new BenchError('credentials', `${setup.name}: warming answered ${bad}`);
        }
        const load = await autocannon({
          url: `${setup.url}/credentials`,
          connections,
          pipelining: 1,
          duration: seconds,
          timeout: 10,
          requests: tokens.map(credentialsRequest),
        });
        results.push({
          name: setup.name,
          rps: load.requests.average,
          p99: load.latency.p99,
          non2xx: load.non2xx,
        });
        env.log(`  ${setup.name}: ${format(load.requests.average)} req/s, p99 ${load.latency.p99} ms`);
        await setup.close();
      }
      // A simulated hour: each user asks every minute, round robin over the instances.
      const hour = async (count: number) => {
        let clock = Date.now();
        const now = () => clock;
        const ns = `bench-hour-${count}-${randomBytes(4).toString('hex')}:`;
        const servers: RunningTokenServer[] = [];
        // One namespace: the instances share one cache, as a deployment's would.
        for (let i = 0; i < count; i++) servers.push(await instance(true, now, ns));
        tap.reset();
        let n = 0;
        for (let minute = 0; minute <= 60; minute++) {
          clock = Date.now() + minute * 60_000;
          const statuses = await Promise.all(
            tokens.slice(0, hourUsers).map((t) => postCredentials(servers[n++ % servers.length]!.url, t)),
          );
          const bad = statuses.find((s) => s !== 200);
          if (bad) throw new BenchError('credentials', `simulated minute ${minute}: answered ${bad}`);
        }
        return (tap.stats.requests['POST sts'] ?? 0) / hourUsers;
      };
      stsOne = await hour(1);
      stsThree = await hour(3);
      env.log(
        `  simulated hour: ${format(stsOne)} STS calls per user on 1 instance, ${format(stsThree)} on 3`,
      );
    } finally {
      for (const o of opened.reverse()) await o.close().catch(() => {});
      await redis.stop();
    }
    const rps = singles(
      'token-redis-rps',
      'Token server, cached path, by deployment: requests per second',
      'req/s',
      true,
      results.map((r) => ({ name: r.name, value: r.rps })),
    );
    const p99 = singles(
      'token-redis-p99',
      'Token server, cached path, by deployment: p99 latency',
      'ms',
      false,
      results.map((r) => ({ name: r.name, value: r.p99 })),
    );
    const sts = singles(
      'token-redis-sts-per-user',
      'STS calls per user over a simulated hour',
      'calls',
      false,
      [
        { name: '1 instance (Redis)', value: stsOne },
        { name: '3 instances (Redis)', value: stsThree },
      ],
    );
    sts.targetNote = 'target (issue #16): 3 instances make as many STS calls per user as 1';
    return {
      settings: {
        duration: `${seconds} s`,
        connections,
        users: users.length,
        simulatedHour: `${hourUsers} users, one request per user per simulated minute, round robin`,
      },
      comparisons: [rps, p99, sts],
      targets: [],
      notes: [
        `All instances, the proxy and autocannon run in the harness process on the same 2 cores, with redis-server beside them: the three-instance figure measures the cost of Redis and the proxy hop, not the gain of more machines. non-2xx: ${results.map((r) => `${r.name} ${r.non2xx}`).join(', ')}.`,
        'STS calls are counted on the wire (the STS endpoint is the loopback tap).',
      ],
    };
  },
};

export default tokenRedis;
