import { randomBytes } from 'node:crypto';
import { type LocalS3, localBackendOptions, roundRobinProxy } from '@s3up/testkit';
import { FaultProxy } from '@s3up/testkit/fault-proxy';
import { mintToken } from '@s3up/testkit/jwt';
import {
  createAuditLogger,
  createTokenServer,
  jwtAuthenticator,
  type RunningTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from '../../src/index.js';
import { createMetrics, type TokenServerMetrics } from '../../src/metrics.js';
import {
  createRedisStores,
  type RedisEvent,
  type RedisStores,
  type RedisStoresOptions,
} from '../../src/redis/index.js';

export interface ClusterOptions {
  local: LocalS3;
  redisUrl: string;
  instances?: number;
  perUser?: number;
  redis?: Partial<RedisStoresOptions>;
  server?: Partial<TokenServerOptions>;
}

/** Several token-server instances sharing one Redis, behind a round-robin proxy, with STS behind a counting proxy. */
export interface TokenCluster {
  url: string;
  served: number[];
  instances: {
    server: TokenServer;
    running: RunningTokenServer;
    stores: RedisStores;
    events: RedisEvent[];
    metrics: TokenServerMetrics;
  }[];
  sts: FaultProxy;
  logLines: string[];
  encryptionKey: string;
  token(sub: string): Promise<string>;
  /** POST /credentials for `sub` through the proxy (or one instance's URL), with a 10 s cap so a hung request fails the test. */
  credentials(
    sub: string,
    via?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startTokenCluster(options: ClusterOptions): Promise<TokenCluster> {
  const { local } = options;
  const jwt = {
    secret: randomBytes(32).toString('hex'),
    issuer: 'https://id.s3up.test',
    audience: 's3up-cluster',
  };
  const encryptionKey = randomBytes(32).toString('base64');
  const sts = await FaultProxy.start(local.endpoint);
  const logLines: string[] = [];
  const instances: TokenCluster['instances'] = [];
  for (let i = 0; i < (options.instances ?? 3); i++) {
    const events: RedisEvent[] = [];
    const metrics = createMetrics();
    const stores = createRedisStores({
      redis: options.redisUrl,
      encryptionKey,
      onEvent: (event) => {
        events.push(event);
        metrics.onRedisEvent(event);
      },
      ...options.redis,
    });
    await stores.ready();
    const server = createTokenServer({
      ...localBackendOptions(local),
      stsEndpoint: sts.url,
      authenticate: jwtAuthenticator(jwt),
      duration: { minSeconds: 900, maxSeconds: 3600 },
      audit: metrics.audit(
        createAuditLogger({ destination: { write: (line: string) => void logLines.push(line) } }),
      ),
      onStsCall: metrics.onStsCall,
      ...stores.options,
      rateLimit: { perUser: options.perUser ?? 30, perIp: 100_000, ...stores.options.rateLimit },
      ...options.server,
    });
    const running = await server.listen();
    instances.push({ server, running, stores, events, metrics });
  }
  const lb = await roundRobinProxy(instances.map((i) => i.running.url));
  const token = (sub: string) => mintToken(jwt, sub, { expiresIn: '10m' });
  return {
    url: lb.url,
    served: lb.served,
    instances,
    sts,
    logLines,
    encryptionKey,
    token,
    async credentials(sub, via = lb.url, body = {}) {
      const res = await fetch(`${via}/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(sub)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await lb.close();
      for (const i of instances) {
        await i.running.close();
        await i.stores.close();
      }
      await sts.close();
    },
  };
}

/** The sum of a metric's values over instances, for the samples whose labels include `labels`. */
export async function metricSum(
  cluster: TokenCluster,
  name: string,
  labels: Record<string, string> = {},
  /** For histograms: `_count` or `_sum`. */
  suffix = '',
): Promise<number> {
  let sum = 0;
  for (const { metrics } of cluster.instances) {
    const metric = metrics.registry.getSingleMetric(name);
    if (!metric) throw new Error(`no metric ${name}`);
    for (const v of (await metric.get()).values) {
      const l = v.labels as Record<string, unknown>;
      const sample = (v as { metricName?: string }).metricName ?? name;
      if (suffix && sample !== name + suffix) continue;
      if (Object.entries(labels).every(([k, want]) => l[k] === want)) sum += v.value;
    }
  }
  return sum;
}
