import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { type JwtSettings, mintJwt } from '../jwt.js';
import { assertLoopback } from '../loopback.js';
import { format, singles } from '../results.js';

const hostProcessPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'token-host-process.ts');
type Host = 'node' | 'express';

async function startHost(
  settings: Record<string, unknown> & { host: Host },
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, hostProcessPath], {
    env: { ...process.env, BENCH_TOKEN_SERVER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchError('timeout', `${settings.host} host did not start: ${stderr.slice(-500)}`)),
      60_000,
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const found = /READY (\S+)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new BenchError('not-available', `${settings.host} host exited with ${code}: ${stderr.slice(-500)}`),
      );
    });
  });
  return { url: assertLoopback(url, 'the token host').toString().replace(/\/$/, ''), child };
}

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
    const rounds = settings.quick ? 1 : 3;
    const connections = 20;
    const results: Record<Host, number[]> = { node: [], express: [] };
    for (let round = 0; round < rounds; round++) {
      for (const host of round % 2 === 0 ? (['node', 'express'] as const) : (['express', 'node'] as const)) {
        const { url, child } = await startHost({
          host,
          endpoint: local.endpoint,
          bucket: local.bucket,
          region: local.region,
          roleArn: local.roleArn,
          service: { accessKeyId: local.service.accessKeyId, secretAccessKey: local.service.secretAccessKey },
          jwt,
        });
        try {
          // Warm the cache: one AssumeRole per user, then only the cached path is measured.
          for (const token of tokens) {
            const response = await fetch(`${url}/credentials`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: '{}',
            });
            if (response.status !== 200)
              throw new BenchError('credentials', `${host}: warm-up answered ${response.status}`);
            await response.arrayBuffer();
          }
          const load = await autocannon({
            url: `${url}/credentials`,
            connections,
            pipelining: 1,
            duration: seconds,
            requests: tokens.map((t) => ({
              method: 'POST',
              headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
              body: '{}',
            })),
          });
          if (load.non2xx > 0 || load.errors > 0) {
            throw new BenchError(
              'credentials',
              `${host}: ${load.non2xx} non-2xx and ${load.errors} errors under load`,
            );
          }
          results[host].push(load.requests.average);
          env.log(`  ${host}: ${format(load.requests.average)} req/s (round ${round + 1})`);
        } finally {
          child.kill('SIGTERM');
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
    const rps = singles(
      'token-hosts-rps',
      'Fetch core, cached path: requests per second by host',
      'req/s',
      true,
      [
        { name: 'node:http (createTokenServer)', value: median(results.node) },
        { name: 'Express 5 (createTokenRouter)', value: median(results.express) },
      ],
    );
    const node = median(results.node);
    const viaExpress = median(results.express);
    return {
      settings: { duration: `${seconds} s per host and round`, rounds, connections, users: tokens.length },
      comparisons: [rps],
      targets: [],
      notes: [
        `Median of ${rounds} alternating round(s); rate limits off, audit log on (to /dev/null), JWT HS256 verified on every request.`,
        node && viaExpress
          ? `Express / node:http = ${(viaExpress / node).toFixed(2)}.`
          : 'one host produced no result',
        'autocannon runs in the harness process on the same cores as the host under test.',
      ],
    };
  },
};

export default tokenHosts;
