import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { BenchError } from './bench-error.js';

type Params = Record<string, unknown>;

interface Pending {
  method: string;
  resolve: (result: Params) => void;
  reject: (error: Error) => void;
}

/**
 * The DevTools protocol over `--remote-debugging-pipe` (fd 3 in, fd 4 out, messages ended
 * by NUL), with nothing enabled that the harness does not ask for.
 *
 * Why not Playwright: it enables the Network domain on every page with no size limit, so
 * Chromium copies each byte-array request body into DevTools events. Blob bodies are not
 * copied, so only contenders that send byte arrays (lib-storage) paid for it: four 8 MiB
 * Uint8Array fetches took 1.9 s with Playwright attached and 0.27 s without (issue 21).
 * This driver never calls `Network.enable`, for any contender.
 */
export class CdpPipe {
  readonly #child: ChildProcess;
  readonly #out: Writable;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(method: string, params: Params, sessionId?: string) => void>();
  readonly #userDataDir: string;
  #nextId = 1;
  #closed: Error | null = null;

  private constructor(child: ChildProcess, userDataDir: string) {
    this.#child = child;
    this.#userDataDir = userDataDir;
    this.#out = child.stdio[3] as Writable;
    const input = child.stdio[4] as Readable;
    let buffered = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf('\0');
      while (end !== -1) {
        this.#dispatch(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        end = buffered.indexOf('\0');
      }
    });
    child.once('exit', (code, signal) =>
      this.#fail(new BenchError('browser', `Chromium exited (${code ?? signal})`)),
    );
  }

  /** Starts Chromium headless with a throwaway profile, driven over the pipe. */
  static async launch(executablePath: string, args: readonly string[]): Promise<CdpPipe> {
    const userDataDir = await mkdtemp(join(tmpdir(), 's3up-bench-chromium-'));
    const child = spawn(
      executablePath,
      [
        ...args,
        '--headless',
        '--remote-debugging-pipe',
        `--user-data-dir=${userDataDir}`,
        '--no-default-browser-check',
        '--mute-audio',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    const pipe = new CdpPipe(child, userDataDir);
    try {
      await pipe.send('Browser.getVersion', {}, undefined, 30_000);
    } catch (error) {
      await pipe.close();
      throw new BenchError('browser', `Chromium did not answer on its pipe: ${stderr.slice(-500)}`, {
        cause: error,
      });
    }
    return pipe;
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** Sends one command (to a page when `sessionId` is given) and resolves with its result. */
  send<T = Params>(method: string, params: Params = {}, sessionId?: string, timeoutMs = 60_000): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BenchError('timeout', `${method} got no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** Events of every session; returns the function that stops listening. */
  on(listener: (method: string, params: Params, sessionId?: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #dispatch(text: string): void {
    const message = JSON.parse(text) as {
      id?: number;
      method?: string;
      params?: Params;
      result?: Params;
      error?: { message: string };
      sessionId?: string;
    };
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error)
        pending.reject(new BenchError('browser', `${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
    } else if (message.method) {
      for (const listener of this.#listeners)
        listener(message.method, message.params ?? {}, message.sessionId);
    }
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      await this.send('Browser.close', {}, undefined, 5000).catch(() => this.#child.kill('SIGKILL'));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    }
    this.#fail(new BenchError('browser', 'the browser was closed'));
    await rm(this.#userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}
