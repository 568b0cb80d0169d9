import { randomBytes } from 'node:crypto';
import { type LocalS3, roundRobinProxy } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { FaultProxy } from '../../../../tests/adversarial/support/fault-proxy.js';
import {
  createAuditLogger,
  createTokenServer,
  jwtAuthenticator,
  type RunningTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from '../../src/index.js';
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
    const stores = createRedisStores({
      redis: options.redisUrl,
      encryptionKey,
      onEvent: (event) => events.push(event),
      ...options.redis,
    });
    await stores.ready();
    const server = createTokenServer({
      bucket: local.bucket,
      region: local.region,
      roleArn: local.roleArn,
      endpoint: local.endpoint,
      stsEndpoint: sts.url,
      forcePathStyle: true,
      checksums: 'WHEN_REQUIRED',
      credentials: local.service,
      authenticate: jwtAuthenticator(jwt),
      duration: { minSeconds: 900, maxSeconds: 3600 },
      audit: createAuditLogger({ destination: { write: (line: string) => void logLines.push(line) } }),
      ...stores.options,
      rateLimit: { perUser: options.perUser ?? 30, perIp: 100_000, ...stores.options.rateLimit },
      ...options.server,
    });
    const running = await server.listen();
    instances.push({ server, running, stores, events });
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
