import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditLogger, createTokenServer, jwtAuthenticator } from '@s3up/token-server';
import autocannon from 'autocannon';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { type JwtSettings, mintJwt } from '../jwt.js';
import { assertLoopback } from '../loopback.js';
import { absoluteTarget, format, singles } from '../results.js';
import { credentialsRequest, postCredentials } from '../token-requests.js';

const serverProcessPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'token-server-process.ts');

/** Starts the token server in its own process (same tsx loader and conditions as the harness). */
async function startServerProcess(settings: object): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, serverProcessPath], {
    env: { ...process.env, BENCH_TOKEN_SERVER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchError('timeout', `token server did not start in 60 s: ${stderr.slice(-500)}`)),
      60_000,
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /READY (\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new BenchError('not-available', `token server exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
  return { url: assertLoopback(url, 'the token server').toString().replace(/\/$/, ''), child };
}

export const tokenServer: Benchmark = {
  id: 'token-server',
  title: 'Token server',
  order: 50,
  async run(env, settings) {
    const local = await env.backend.ensureRoom(1);
    const tap = await env.tap();
    const jwt: JwtSettings = {
      secret: randomBytes(32).toString('base64url'),
      issuer: 's3up-bench',
      audience: 's3up',
    };
    const users = Array.from({ length: 100 }, (_, i) => `bench-user-${i}`);
    const tokens = users.map((u) => mintJwt(jwt, u));
    const seconds = settings.quick ? 3 : 10;
    const connections = 20;
    // --- load on the cached path ---
    const { url, child } = await startServerProcess({
      endpoint: tap.endpoint,
      bucket: local.bucket,
      region: local.region,
      roleArn: local.roleArn,
      service: { accessKeyId: local.service.accessKeyId, secretAccessKey: local.service.secretAccessKey },
      jwt,
    });
    let load: Awaited<ReturnType<typeof autocannon>>;
    let stsDuringLoad: number;
    try {
      tap.reset();
      // Warm the cache: one issuance (one AssumeRole) per user, 10 at a time.
      for (let i = 0; i < tokens.length; i += 10) {
        const statuses = await Promise.all(tokens.slice(i, i + 10).map((t) => postCredentials(url, t)));
        const bad = statuses.find((s) => s !== 200);
        if (bad)
          throw new BenchError(
            'credentials',
            `warming the token server's cache: POST /credentials answered ${bad}`,
          );
      }
      const stsForWarmup = tap.stats.requests['POST sts'] ?? 0;
      env.log(`  cache warmed: ${users.length} users, ${stsForWarmup} STS calls`);
      tap.reset();
      load = await autocannon({
        url: `${url}/credentials`,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: tokens.map(credentialsRequest),
      });
      stsDuringLoad = tap.stats.requests['POST sts'] ?? 0;
    } finally {
      child.kill('SIGTERM');
    }
    env.log(
      `  ${format(load.requests.average)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ${load.non2xx} non-2xx, ${load.errors} errors`,
    );
    // --- a simulated hour of refreshes, in process with a simulated clock ---
    const hourUsers = settings.quick ? 5 : 20;
    let clock = Date.now();
    const server = createTokenServer({
      bucket: local.bucket,
      region: local.region,
      roleArn: local.roleArn,
      endpoint: tap.endpoint,
      forcePathStyle: true,
      checksums: 'WHEN_REQUIRED',
      credentials: { accessKeyId: local.service.accessKeyId, secretAccessKey: local.service.secretAccessKey },
      authenticate: jwtAuthenticator(jwt),
      rateLimit: false,
      audit: createAuditLogger({ level: 'silent' }),
      now: () => clock,
    });
    const running = await server.listen(0, '127.0.0.1');
    let stsPerUser: number;
    try {
      tap.reset();
      // Every simulated minute each user's page asks for credentials (page loads, new tabs,
      // the SDK's refresh 5 minutes before expiry): 61 requests per user over the hour.
      for (let minute = 0; minute <= 60; minute++) {
        clock = Date.now() + minute * 60_000;
        const statuses = await Promise.all(
          tokens.slice(0, hourUsers).map((t) => postCredentials(running.url, t)),
        );
        const bad = statuses.find((s) => s !== 200);
        if (bad)
          throw new BenchError(
            'credentials',
            `simulated minute ${minute}: POST /credentials answered ${bad}`,
          );
      }
      stsPerUser = (tap.stats.requests['POST sts'] ?? 0) / hourUsers;
    } finally {
      await running.close();
    }
    env.log(`  simulated hour: ${format(stsPerUser)} STS calls per user for 61 requests each`);
    const rps = singles('token-rps', 'Token server, cached path: requests per second', 'req/s', true, [
      { name: 'POST /credentials', value: load.requests.average },
    ]);
    const latency = singles(
      'token-latency',
      'Token server, cached path: latency',
      'ms',
      false,
      (['p50', 'p99'] as const).map((p) => ({ name: p, value: load.latency[p] })),
    );
    const sts = singles('token-sts-per-user', 'STS calls per user over a simulated hour', 'calls', false, [
      { name: 'AssumeRole per user', value: stsPerUser },
    ]);
    sts.targetNote = 'no target in the issue: shown so a change of the refresh window is seen';
    return {
      settings: {
        duration: `${seconds} s`,
        connections,
        pipelining: 1,
        users: users.length,
        auth: 'JWT HS256 bearer',
        simulatedHour: `${hourUsers} users, one request per user per simulated minute`,
      },
      comparisons: [rps, latency, sts],
      targets: [
        absoluteTarget(
          '≥ 5,000 req/s on the cached path',
          load.requests.average,
          5000,
          'req/s',
          false,
          rps,
          'POST /credentials',
        ),
        absoluteTarget('p99 ≤ 20 ms on the cached path', load.latency.p99, 20, 'ms', true, latency, 'p99'),
      ],
      notes: [
        `autocannon ${seconds} s, ${connections} connections, ${users.length} users' JWTs in rotation, against the token server in its own process (rate limits off, audit log on, written to /dev/null); ${load.non2xx} non-2xx answers, ${load.errors} errors, ${load.timeouts} timeouts; ${stsDuringLoad} STS calls during the load (the cache was warm).`,
        'autocannon runs in the harness process on the same 2 cores as the server: the load generator takes CPU the server would otherwise have.',
        "STS calls are counted on the wire (the token server's STS endpoint is the loopback tap).",
      ],
    };
  },
};

export default tokenServer;
