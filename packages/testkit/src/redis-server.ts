import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** A redis-server of its own on loopback: no persistence, its own temp dir. */
export interface LocalRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  /** Its working directory (removed by `stop`). */
  dir: string;
  /** SIGTERM, wait for the exit (SIGKILL after 5 s), remove the dir. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash: for outage tests. The dir stays until `stop`. */
  kill(): Promise<void>;
}

export interface StartRedisOptions {
  /** Default: a free loopback port. */
  port?: number;
  /** Give up waiting for "Ready to accept connections" after this long. Default 10 s. */
  startTimeoutMs?: number;
}

/**
 * Starts Debian's `redis-server` (scripts/install-system-packages.sh installs it) on a free
 * loopback port, with no RDB or AOF files and a temp dir of its own; stopped by its pid.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * const client = new Redis(redis.url);
 * await redis.stop();
 * ```
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir().length < 40 ? tmpdir() : '/tmp', 's3up-redis-'));
  try {
    // A port found free can be taken before redis binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await launch(dir, port, options.startTimeoutMs ?? 10_000);
      } catch (error) {
        if (options.port !== undefined || attempt >= 3 || !String(error).includes('in use')) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(dir: string, port: number, startTimeoutMs: number): Promise<LocalRedis> {
  let child: ChildProcess;
  try {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'notice',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    throw new Error('redis-server could not be started: run scripts/install-system-packages.sh', {
      cause: error,
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within ${startTimeoutMs} ms: ${output.slice(-500)}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server could not be started (${error.message}): run scripts/install-system-packages.sh`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server exited with ${code}${output.includes('Address already in use') ? ' (port in use)' : ''}: ${output.slice(-500)}`,
        ),
      );
    });
  });
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const pid = child.pid!;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (alive()) child.kill('SIGKILL');
    await exited;
  };
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid,
    dir,
    kill,
    stop() {
      stopping ??= (async () => {
        if (alive()) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Sends one inline command and resolves to the first reply line (tests: `PING` → `+PONG`). */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer from redis on ${port}`)));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const end = reply.indexOf('\r\n');
      if (end >= 0) {
        socket.end();
        resolve(reply.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}
