import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import type { AuditLogger } from './audit-log.js';

/** A Redis store event, as `createRedisStores({ onEvent })` reports it. */
type RedisStoreEvent =
  | { type: 'down'; error: string }
  | { type: 'up' }
  | { type: 'error'; operation: string; error: string };

export interface TokenServerMetricsOptions {
  /** Registry to add the metrics to. Default a new one (the endpoint serves only these). */
  registry?: Registry;
  /** Metric name prefix. Default `s3up_token_`. */
  prefix?: string;
}

/**
 * Prometheus metrics of the token server (prom-client, an optional peer dependency). Off
 * unless created: wire its three hooks, then serve `registry` (see `listen`).
 *
 * | metric | type | labels | what |
 * |---|---|---|---|
 * | `s3up_token_issuances_total` | counter | `kind` (credentials, presign), `cache` (hit, miss, shared, none) | answers that handed out credentials or a URL |
 * | `s3up_token_refusals_total` | counter | `code` (rate_limited, unauthorized, ...) | refused requests, by error code |
 * | `s3up_token_cache_requests_total` | counter | `outcome` (hit, miss, shared) | credential cache lookups; hit ratio = hit / all |
 * | `s3up_token_sts_request_duration_seconds` | histogram | | each AssumeRole attempt, answered or failed |
 * | `s3up_token_sts_errors_total` | counter | `kind` (throttled, unavailable, refused, policy_too_large) | failed AssumeRole attempts |
 * | `s3up_token_redis_errors_total` | counter | `operation` | Redis calls that failed or timed out |
 * | `s3up_token_redis_down_total` | counter | | times Redis was found unreachable (one per outage) |
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * const stores = createRedisStores({ redis, encryptionKey, onEvent: metrics.onRedisEvent });
 * createTokenServer({ ...config, ...stores.options, audit: metrics.audit(createAuditLogger()), onStsCall: metrics.onStsCall });
 * await metrics.listen(9464, '0.0.0.0'); // GET /metrics, on a port kept off the internet
 * ```
 */
export interface TokenServerMetrics {
  registry: Registry;
  /** Wraps the audit logger: every issuance and refusal it writes is counted too. */
  audit(inner: AuditLogger): AuditLogger;
  /** For the `onStsCall` option: STS latency. */
  onStsCall(info: { seconds: number }): void;
  /** For `createRedisStores({ onEvent })` (chain it with your own if you have one). */
  onRedisEvent(event: RedisStoreEvent): void;
  /** The text a scrape gets. */
  text(): Promise<string>;
  /** Serves `GET /metrics` on its own port (default 127.0.0.1: expose it on purpose). */
  listen(port?: number, host?: string): Promise<{ url: string; server: Server; close(): Promise<void> }>;
}

export function createMetrics(options: TokenServerMetricsOptions = {}): TokenServerMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? 's3up_token_';
  const registers = [registry];
  const issuances = new Counter({
    name: `${p}issuances_total`,
    help: 'Answers that handed out credentials or a presigned URL, by kind and cache outcome.',
    labelNames: ['kind', 'cache'],
    registers,
  });
  const refusals = new Counter({
    name: `${p}refusals_total`,
    help: 'Refused requests by error code (429s after the first of a key and window are counted when its summary is written).',
    labelNames: ['code'],
    registers,
  });
  const cache = new Counter({
    name: `${p}cache_requests_total`,
    help: 'Credential cache lookups by outcome: hit (cached), miss (new AssumeRole), shared (joined a call under way).',
    labelNames: ['outcome'],
    registers,
  });
  const stsLatency = new Histogram({
    name: `${p}sts_request_duration_seconds`,
    help: 'Duration of each AssumeRole attempt, answered or failed.',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const stsErrors = new Counter({
    name: `${p}sts_errors_total`,
    help: 'Failed AssumeRole attempts by kind (throttled, unavailable, refused, policy_too_large).',
    labelNames: ['kind'],
    registers,
  });
  const redisErrors = new Counter({
    name: `${p}redis_errors_total`,
    help: 'Redis calls that failed or timed out, by store operation.',
    labelNames: ['operation'],
    registers,
  });
  const redisDown = new Counter({
    name: `${p}redis_down_total`,
    help: 'Times Redis was found unreachable (one per outage); the stores then work per instance.',
    registers,
  });
  // Label values that exist from the start, so dashboards see zeros, not gaps.
  for (const outcome of ['hit', 'miss', 'shared']) cache.inc({ outcome }, 0);

  return {
    registry,
    audit(inner) {
      return {
        get logger() {
          return inner.logger;
        },
        ...(inner.flush ? { flush: () => inner.flush?.() ?? Promise.resolve() } : {}),
        issued(record) {
          issuances.inc({ kind: record.kind, cache: record.cache ?? 'none' });
          if (record.kind === 'credentials' && record.cache) cache.inc({ outcome: record.cache });
          inner.issued(record);
        },
        refused(record) {
          refusals.inc({ code: record.code });
          inner.refused(record);
        },
        event(level, event, fields) {
          if (event === 'sts.error' && typeof fields?.kind === 'string') stsErrors.inc({ kind: fields.kind });
          if (event === 'rate_limit.summary' && typeof fields?.refusedMore === 'number') {
            refusals.inc({ code: 'rate_limited' }, fields.refusedMore);
          }
          inner.event(level, event, fields);
        },
      };
    },
    onStsCall(info) {
      stsLatency.observe(info.seconds);
    },
    onRedisEvent(event) {
      if (event.type === 'error') redisErrors.inc({ operation: event.operation });
      if (event.type === 'down') redisDown.inc();
    },
    text: () => registry.metrics(),
    listen(port = 0, host = '127.0.0.1') {
      const server = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
          return;
        }
        registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
          () => res.writeHead(500).end(),
        );
      });
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: bound } = server.address() as AddressInfo;
          resolve({
            url: `http://${host}:${bound}/metrics`,
            server,
            close: () =>
              new Promise<void>((done) => {
                server.close(() => done());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}
