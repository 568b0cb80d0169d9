import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { BenchError } from './bench-error.js';
import {
  benchClassifier,
  type CpuUse,
  cpuSnapshot,
  cpuUse,
  type ProcessClassifier,
} from './cpu-accounting.js';
import type { BenchEnvironment } from './environment.js';
import { assertLoopback } from './loopback.js';
import { credentialsRequest } from './token-requests.js';

const hostProcessPath = join(dirname(fileURLToPath(import.meta.url)), 'token-host-process.ts');

/** The hosts `token-host-process.ts` can run (see there). */
export type Host = 'ceiling' | 'node' | 'express-ceiling' | 'express' | 'companion';

/** What a host process is told: which host, and the backend and JWT settings. */
export type HostSettings = Record<string, unknown> & { host: Host };

/** CPU seconds (user + system) a process has used: /proc/<pid>/stat, in clock ticks of 10 ms. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at index 3 of the rest.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The server's own view of a load, from inside its process. */
export interface ServerTiming {
  count: number;
  p50Ms: number;
  p99Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

/** Asks the host process over IPC: `reset` its latency figures, or `report` them. */
export function ask(child: ChildProcess, what: 'reset' | 'report'): Promise<ServerTiming> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new BenchError('timeout', `host did not answer ${what}`)), 30_000);
    const onMessage = (message: unknown) => {
      const m = message as { type?: string } & ServerTiming;
      if (m?.type !== what) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(what);
  });
}

/**
 * Starts one host in its own process (same tsx loader and conditions as the harness) and
 * resolves once it listens. Its stdout (the audit log, Companion's log) goes straight to
 * /dev/null, so the harness, which also runs the load generator, spends nothing on it; the
 * URL comes over the IPC channel, which also carries the server's latency figures.
 */
export async function startHost(settings: HostSettings): Promise<{ url: string; child: ChildProcess }> {
  const devNull = openSync('/dev/null', 'w');
  const child = spawn(process.execPath, [...process.execArgv, hostProcessPath], {
    env: { ...process.env, BENCH_TOKEN_SERVER: JSON.stringify(settings) },
    stdio: ['ignore', devNull, 'pipe', 'ipc'],
  });
  closeSync(devNull);
  // Only the end of stderr is kept, for the error message: a chatty host cannot grow it.
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BenchError('timeout', `${settings.host} host did not start: ${stderr.slice(-500)}`)),
      60_000,
    );
    const onMessage = (message: unknown) => {
      const m = message as { type?: string; url?: string };
      if (m?.type !== 'ready' || typeof m.url !== 'string') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.url);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new BenchError('not-available', `${settings.host} host exited with ${code}: ${stderr.slice(-500)}`),
      );
    });
  });
  return { url: assertLoopback(url, 'the token host').toString().replace(/\/$/, ''), child };
}

/** Stops a host and waits for its exit (so the next round's CPU is not shared with it). */
export async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** One load against one host: what the server, the load generator and the machine did. */
export interface HostLoad {
  /** The server's own latency: request parsed → answer handed to the kernel, and its event loop delay. */
  server: ServerTiming;
  /** The machine's CPU over the load, by group (marks the round noisy when others used > 10%). */
  machine: CpuUse;
  rps: number;
  answered: number;
  /** Server CPU per request, µs (the host process's user + system time). */
  cpuUs: number;
  /**
   * The load generator's CPU per request, µs: the harness process (autocannon's event loop
   * and its share of the kernel's loopback work) over the load.
   */
  generatorUs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * The machine's groups for a token load: the host process is `token server`, everything
 * else as in every benchmark (the harness, which runs autocannon, is `harness`). Without
 * this the server's own CPU would count as another session's and mark every round noisy.
 */
export function hostClassifier(env: BenchEnvironment, serverPid: number): ProcessClassifier {
  const base = benchClassifier({ browserPid: env.browserPid, backendDir: env.backend.dir });
  return (pid, process, ancestors) => (pid === serverPid ? 'token server' : base(pid, process, ancestors));
}

/**
 * autocannon against a running host for `seconds`, `connections` connections, one request
 * at a time each (no pipelining: a browser waits for its answer); the tokens rotate. For
 * Companion the load is `GET /s3/sts`.
 */
export async function loadHost(
  env: BenchEnvironment,
  host: Host,
  target: { url: string; child: ChildProcess },
  load: { seconds: number; connections: number; tokens: readonly string[] },
): Promise<HostLoad> {
  const { url, child } = target;
  await ask(child, 'reset');
  const cpuBefore = await cpuSeconds(child.pid!);
  const generatorBefore = process.cpuUsage();
  const machineBefore = await cpuSnapshot();
  const result = await autocannon(
    host === 'companion'
      ? { url: `${url}/s3/sts`, connections: load.connections, pipelining: 1, duration: load.seconds }
      : {
          url: `${url}/credentials`,
          connections: load.connections,
          pipelining: 1,
          duration: load.seconds,
          timeout: 10,
          requests: load.tokens.map(credentialsRequest),
        },
  );
  const generator = process.cpuUsage(generatorBefore);
  const machine = cpuUse(machineBefore, await cpuSnapshot(), hostClassifier(env, child.pid!));
  const cpu = (await cpuSeconds(child.pid!)) - cpuBefore;
  const server = await ask(child, 'report');
  const answered = result.requests.total ?? 0;
  if (!(answered > 0)) throw new BenchError('credentials', `${host}: no request answered`);
  return {
    server,
    machine,
    rps: result.requests.average,
    answered,
    cpuUs: (cpu * 1e6) / answered,
    generatorUs: (generator.user + generator.system) / answered,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
