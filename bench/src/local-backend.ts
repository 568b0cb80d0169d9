import { type LocalS3, startLocalS3, stopLocalS3 } from '@s3up/testkit';

export interface LocalBackendOptions {
  /**
   * RAM the in-memory OSD may hold. Default 8 GiB: a 3 GiB upload plus headroom; RGW keeps
   * deleted multipart data for 2 h, so the harness restarts the cluster instead of relying
   * on deletes.
   */
  memstoreBytes?: number;
  log?: (line: string) => void;
}

/**
 * The local Ceph RGW the benchmarks upload to, restarted when the next upload might not
 * fit in its memory store (or between heavy benchmarks) so no run measures a full OSD.
 *
 * @example
 * const backend = new LocalBackend();
 * await backend.ensureRoom(1024 ** 3);
 * upload(backend.current);
 * await backend.stop();
 */
export class LocalBackend {
  readonly memstoreBytes: number;
  #local: LocalS3 | null = null;
  #written = 0;
  #log: (line: string) => void;
  /** Bumped on each restart, so callers caching credentials know to fetch new ones. */
  generation = 0;

  constructor(options: LocalBackendOptions = {}) {
    this.memstoreBytes = options.memstoreBytes ?? 8 * 1024 ** 3;
    this.#log = options.log ?? (() => {});
  }

  /** The running cluster's directory (every daemon's command line names it), if one runs. */
  get dir(): string | undefined {
    return this.#local?.dir;
  }

  get current(): LocalS3 {
    if (!this.#local) throw new Error('the local backend is not started: call ensureRoom() first');
    return this.#local;
  }

  /**
   * Makes sure `bytes` more fit: starts the cluster, or restarts it when what was written
   * since its start plus `bytes` would pass 75% of the memory store (RGW slows down well
   * before the OSD is full).
   */
  async ensureRoom(bytes: number): Promise<LocalS3> {
    if (bytes > this.memstoreBytes * 0.75)
      throw new Error(
        `an upload of ${bytes} bytes does not fit a ${this.memstoreBytes}-byte memory store: raise memstoreBytes`,
      );
    if (this.#local && this.#written + bytes > this.memstoreBytes * 0.75) await this.restart();
    if (!this.#local) await this.#start();
    this.#written += bytes;
    return this.#local!;
  }

  /** A fresh cluster with nothing stored. */
  async restart(): Promise<LocalS3> {
    await this.stop();
    return this.#start();
  }

  async #start(): Promise<LocalS3> {
    const started = Date.now();
    this.#local = await startLocalS3({ memstoreBytes: this.memstoreBytes });
    this.#written = 0;
    this.generation++;
    this.#log(`  local S3 up at ${this.#local.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return this.#local;
  }

  async stop(): Promise<void> {
    const local = this.#local;
    this.#local = null;
    if (local) await stopLocalS3(local);
  }
}
