import { randomBytes } from 'node:crypto';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { type JwtSettings, mintJwt } from '../jwt.js';
import { absoluteTarget, compare, format, relativeTarget } from '../results.js';
import { startStsFront } from '../sts-front.js';
import { type Host, type HostLoad, loadHost, startHost, stopHost } from '../token-host-control.js';
import { postCredentials } from '../token-requests.js';

const HOST_NAMES: Record<Host, string> = {
  ceiling: 'ceiling: node:http + jose verify',
  node: 's3up on node:http (createTokenServer)',
  'express-ceiling': 'Express ceiling: Express 5 + jose verify',
  express: 's3up on Express 5 (createTokenRouter)',
  companion: 'Uppy Companion 6 /s3/sts',
};

/**
 * The cached path of the token service's Fetch core under two hosts, side by side in one
 * run: node:http (createTokenServer, what the bin runs) and Express (createTokenRouter).
 * Same options, same warm cache, same load; the difference is what each host's request
 * and response translation costs. Hosts alternate over rounds so machine noise hits both.
 */
export const tokenHosts: Benchmark = {
  id: 'token-hosts',
  title: 'Token server hosts: Fetch core under node:http and Express',
  order: 51,
  async run(env, settings) {
    const local = await env.backend.ensureRoom(1);
    const jwt: JwtSettings = {
      secret: randomBytes(32).toString('base64url'),
      issuer: 's3up-bench',
      audience: 's3up',
    };
    const tokens = Array.from({ length: 50 }, (_, i) => mintJwt(jwt, `host-user-${i}`));
    const seconds = settings.quick ? 3 : 8;
    const rounds = settings.rounds;
    const connections = 20;
    const results: Record<Host, HostLoad[]> = {
      ceiling: [],
      node: [],
      'express-ceiling': [],
      express: [],
      companion: [],
    };
    const errors: Record<Host, string[]> = {
      ceiling: [],
      node: [],
      'express-ceiling': [],
      express: [],
      companion: [],
    };
    const order: Host[] = ['ceiling', 'node', 'express-ceiling', 'express', 'companion'];
    // Both s3up and Companion call this STS (Companion: GetFederationToken, answered through
    // RGW's AssumeRole; s3up: AssumeRole, passed through), so both pay the same hop.
    const front = await startStsFront({
      upstream: local.endpoint,
      region: local.region,
      roleArn: local.roleArn,
      service: local.service,
    });
    let companionStsCalls = 0;
    let companionAnswered = 0;
    try {
      for (let round = 0; round < rounds; round++) {
        // A,B,C then B,C,A...: machine noise spreads over all three.
        for (const host of order.map((_, i) => order[(i + round) % order.length]!)) {
          const { url, child } = await startHost({
            host,
            endpoint: local.endpoint,
            stsEndpoint: front.endpoint,
            bucket: local.bucket,
            region: local.region,
            roleArn: local.roleArn,
            service: {
              accessKeyId: local.service.accessKeyId,
              secretAccessKey: local.service.secretAccessKey,
            },
            jwt,
          });
          try {
            if (host === 'companion') {
              // Companion has no cache to warm: every /s3/sts calls STS. One call proves the path.
              const response = await fetch(`${url}/s3/sts`);
              if (response.status !== 200)
                throw new BenchError('credentials', `${host}: /s3/sts answered ${response.status}`);
              await response.arrayBuffer();
            } else {
              // Warm the cache: one AssumeRole per user, then only the cached path is measured.
              for (const token of tokens) {
                const status = await postCredentials(url, token);
                if (status !== 200)
                  throw new BenchError('credentials', `${host}: warm-up answered ${status}`);
              }
            }
            const stsBefore = front.calls.GetFederationToken ?? 0;
            const load = await loadHost(env, host, { url, child }, { seconds, connections, tokens });
            if (load.non2xx > 0 || load.errors > 0) {
              throw new BenchError(
                'credentials',
                `${host}: ${load.non2xx} non-2xx and ${load.errors} errors under load`,
              );
            }
            const answered = load.answered;
            if (host === 'companion') {
              companionStsCalls += (front.calls.GetFederationToken ?? 0) - stsBefore;
              companionAnswered += answered;
            }
            results[host].push(load);
            env.log(
              `  ${host}: ${format(load.rps)} req/s, ${format(load.cpuUs)} µs CPU/request (autocannon ${format(load.generatorUs)}), p99 ${load.p99} ms (server-side ${format(load.server.p99Ms)} ms, event loop delay p99 ${format(load.server.loopDelayP99Ms)} ms) (round ${round + 1})`,
            );
          } catch (error) {
            errors[host].push((error as Error).message);
            env.log(`  ${host}: ${(error as Error).message}`);
          } finally {
            await stopHost(child);
          }
        }
      }
    } finally {
      await front.close();
    }
    const table = (pick: (r: HostLoad) => number) =>
      order.map((host) => ({
        name: HOST_NAMES[host],
        samples: results[host].map(pick),
        cpu: results[host].map((r) => r.machine),
        errors: errors[host],
      }));
    const cpu = compare(
      'token-hosts-cpu',
      'Token server, cached path: server CPU per request',
      'µs',
      false,
      HOST_NAMES.ceiling,
      table((r) => r.cpuUs),
    );
    const rps = compare(
      'token-hosts-rps',
      'Token server, cached path: requests per second by host',
      'req/s',
      true,
      HOST_NAMES.ceiling,
      table((r) => r.rps),
    );
    rps.targetNote =
      'no target in the issue: it sets CPU per request and p99; requests per second here also depend on autocannon sharing the 2 cores';
    const generator = compare(
      'token-hosts-generator-cpu',
      "Token server, cached path: the load generator's CPU per request (autocannon, in the harness)",
      'µs',
      false,
      HOST_NAMES.ceiling,
      table((r) => r.generatorUs),
    );
    generator.targetNote =
      "no target: on 2 cores the server and autocannon each have one, so requests per second stay below 1,000,000 / the larger of the two CPU figures (µs per request); for Companion the harness also runs the STS front that answers its calls, so its figure here is not autocannon's alone";
    const p99 = compare(
      'token-hosts-p99',
      'Token server, cached path: p99 latency by host, at the load generator (autocannon)',
      'ms',
      false,
      HOST_NAMES.ceiling,
      table((r) => r.p99),
    );
    const serverP99 = compare(
      'token-hosts-server-p99',
      'Token server, cached path: p99 latency inside the server (request parsed → answer written)',
      'ms',
      false,
      HOST_NAMES.ceiling,
      table((r) => r.server.p99Ms),
    );
    serverP99.targetNote =
      "no target: it shows how much of the load generator's p99 the server's own handling accounts for; the rest is waiting for a CPU (the server's event loop delay, the kernel, autocannon itself)";
    const loopDelay = compare(
      'token-hosts-loop-delay',
      "Token server, cached path: the server's event loop delay, p99",
      'ms',
      false,
      HOST_NAMES.ceiling,
      table((r) => r.server.loopDelayP99Ms),
    );
    loopDelay.targetNote = serverP99.targetNote;
    return {
      settings: {
        duration: `${seconds} s per host and round`,
        rounds,
        connections,
        users: tokens.length,
        hosts: Object.values(HOST_NAMES),
        body: 'POST /credentials {"scope":"upload"} (what @s3up/core sends); Companion: GET /s3/sts (what @uppy/aws-s3 asks)',
        companion:
          '@uppy/companion 6.2.2, companion.app() in node:http with its defaults (metrics on, its CORS middleware); s3 { key, secret, bucket, region, endpoint, forcePathStyle, expires: 900 }; STS through AWS_ENDPOINT_URL_STS (its STS client takes no endpoint option)',
        stsFront:
          'one loopback STS front for both: GetFederationToken answered through RGW AssumeRole (RGW 16 has no GetFederationToken), AssumeRole passed through (src/sts-front.ts)',
        companionStsCallsPerRequest:
          companionAnswered > 0 ? Number((companionStsCalls / companionAnswered).toFixed(3)) : null,
      },
      comparisons: [cpu, rps, generator, p99, serverP99, loopDelay],
      targets: [
        relativeTarget(
          'server CPU per cached request, Fetch core under node:http ≤ 2 × the node:http + jose ceiling',
          cpu,
          HOST_NAMES.node,
          HOST_NAMES.ceiling,
          2,
        ),
        absoluteTarget(
          'server CPU per cached request through Express ≤ 350 µs',
          cpu.contenders.find((c) => c.name === HOST_NAMES.express)?.summary?.median ?? null,
          350,
          'µs',
          true,
          cpu,
          HOST_NAMES.express,
        ),
        absoluteTarget(
          'p99 ≤ 20 ms on the cached path (node:http, what the bin runs)',
          p99.contenders.find((c) => c.name === HOST_NAMES.node)?.summary?.median ?? null,
          20,
          'ms',
          true,
          p99,
          HOST_NAMES.node,
        ),
        relativeTarget(
          '≥ 5 × Uppy Companion /s3/sts in requests per second (s3up on node:http / Companion, same STS front)',
          rps,
          HOST_NAMES.node,
          HOST_NAMES.companion,
          5,
        ),
        relativeTarget(
          '≥ 5 × Uppy Companion /s3/sts in server CPU per request (s3up on node:http / Companion ≤ 0.2)',
          cpu,
          HOST_NAMES.node,
          HOST_NAMES.companion,
          0.2,
        ),
        absoluteTarget(
          'p99 ≤ 20 ms on the cached path (Express)',
          p99.contenders.find((c) => c.name === HOST_NAMES.express)?.summary?.median ?? null,
          20,
          'ms',
          true,
          p99,
          HOST_NAMES.express,
        ),
      ],
      notes: [
        `Median of ${rounds} rotating round(s); ${connections} connections, ${tokens.length} users' HS256 JWTs in rotation; rate limits off; s3up's audit log on through its default destination (pino's asynchronous one; the harness discards the process's stdout).`,
        'Server CPU per request: user + system time of the server process (/proc/<pid>/stat) over the load, divided by the requests it answered; autocannon runs in the harness process, outside that figure, on the same 2 cores.',
        "The Express ceiling is the node:http ceiling's handler as one Express 5 route (body read, jose verify on every request, the answer from a Map): its figure minus the node:http ceiling's is what Express itself adds to an answer here. s3up's cached path skips the verify, so it may cost less than this ceiling; s3up through Express minus s3up on node:http is what Express adds to s3up.",
        "Uppy Companion's /s3/sts is unauthenticated (one federated identity, 'companion', and one bucket-wide PutObject policy for every caller) and calls STS on every request (its answer only carries Cache-Control for the browser); s3up authenticates each user, scopes the policy to the user's prefix and serves a cached session. Companion's figure includes its own STS client (signing, XML parsing) but not the front's or RGW's CPU, which run in other processes.",
        "The ceiling verifies every token with jose (the key imported once) and answers a per-user JSON of the token server's shape from a Map: the least any cached /credentials path on Node must do. s3up adds CORS, body and scope checks, the verified-token cache, the credential cache, the audit line and its own response headers.",
      ],
    };
  },
};

export default tokenHosts;
