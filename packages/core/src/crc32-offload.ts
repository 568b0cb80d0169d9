import { loadCrc32 } from './checksum.js';
import type { ChecksumAlgorithm } from './checksum-algorithm.js';
import { checksumByTable, wasmPolynomial } from './checksum-algorithm.js';
import type { Crc32Answer, Crc32Job } from './crc32-worker.js';
import { CRC32_WORKER_SOURCE } from './crc32-worker-source.js';

/**
 * Blobs from this size on are CRC'd in a Worker where the runtime has one. Default 1 MiB:
 * every multipart part (5 MiB and more) goes there, so with `WHEN_SUPPORTED` the page's
 * main thread only posts a Blob handle per part (issue 21 item 5: at most 0.5 ms of
 * main-thread CPU per MiB); a small single PUT stays on the main thread, where starting a
 * Worker would cost more than its CRC.
 */
export const WORKER_MIN_BYTES = 1024 * 1024;

/**
 * Closes the Worker after this long without a job. Default 10 s: parts of a running upload
 * arrive far more often, and an idle page does not keep a thread and its memory.
 */
const IDLE_MS = 10_000;

/** Where a CRC was computed (benchmarks and diagnostics). */
export type Crc32Place = 'worker' | 'main-thread';

interface Pending {
  blob: Blob;
  algorithm: ChecksumAlgorithm;
  resolve(result: { digest: Uint8Array; place: Crc32Place }): void;
  reject(error: unknown): void;
}

/** What a CRC offload is built from; tests give a Worker that cannot start. */
export interface Crc32OffloadOptions {
  /** Default the global `Worker`, where there is one. */
  Worker?: typeof Worker | undefined;
}

/**
 * CRCs of Blobs off the main thread: one Worker, started on first use from a Blob URL (so no
 * bundler set-up and no extra file to serve), closed when idle. Blobs below
 * `WORKER_MIN_BYTES`, and every Blob where a Worker cannot start or load (none in the
 * runtime, a CSP without `blob:` in `worker-src`), are CRC'd on the calling thread; after
 * one failure, for good. The engine uses one shared instance ({@link crc32OfBlob}).
 */
export class Crc32Offload {
  readonly #Worker: typeof Worker | undefined;
  #worker: Worker | undefined;
  #url: string | undefined;
  #broken = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(options: Crc32OffloadOptions = {}) {
    this.#Worker = 'Worker' in options ? options.Worker : (globalThis as { Worker?: typeof Worker }).Worker;
  }

  get #usable(): boolean {
    return !this.#broken && typeof this.#Worker === 'function' && typeof URL.createObjectURL === 'function';
  }

  /** The CRC-32 of the Blob, and where it was computed. */
  async crc(blob: Blob): Promise<{ crc: number; place: Crc32Place }> {
    const { digest, place } = await this.digest(blob, 'CRC32');
    return { crc: ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0, place };
  }

  /** The Blob's checksum by `algorithm` (its big-endian bytes), and where it was computed. */
  async digest(blob: Blob, algorithm: ChecksumAlgorithm): Promise<{ digest: Uint8Array; place: Crc32Place }> {
    if (blob.size < WORKER_MIN_BYTES || !this.#usable) return mainThread(blob, algorithm);
    const worker = this.#start();
    if (!worker) return mainThread(blob, algorithm);
    clearTimeout(this.#idle);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { blob, algorithm, resolve, reject });
      worker.postMessage({ id, blob, algorithm } satisfies Crc32Job);
    });
  }

  #start(): Worker | undefined {
    if (this.#worker) return this.#worker;
    const WorkerClass = this.#Worker;
    if (!WorkerClass || !this.#usable) return undefined;
    try {
      this.#url ??= URL.createObjectURL(new Blob([CRC32_WORKER_SOURCE], { type: 'text/javascript' }));
      const worker = new WorkerClass(this.#url, { name: 's3up-crc32' });
      worker.onmessage = ({ data }: MessageEvent<Crc32Answer>) => this.#answer(data);
      // The script did not load (CSP) or the Worker died: its jobs, and all later ones, on
      // the main thread.
      worker.onerror = (event) => {
        event.preventDefault();
        this.#fail();
      };
      this.#worker = worker;
      return worker;
    } catch {
      this.#fail();
      return undefined;
    }
  }

  #answer(answer: Crc32Answer): void {
    const job = this.#pending.get(answer.id);
    if (!job) return;
    this.#pending.delete(answer.id);
    if ('digest' in answer) job.resolve({ digest: answer.digest, place: 'worker' });
    // The Blob could not be read (the file changed or went away): the same error as a read
    // on the main thread, so the engine classifies it the same way.
    else job.reject(new DOMException(answer.error.message, answer.error.name));
    if (this.#pending.size === 0) {
      clearTimeout(this.#idle);
      this.#idle = setTimeout(() => this.#stop(), IDLE_MS);
    }
  }

  #fail(): void {
    this.#broken = true;
    this.#stop();
  }

  #stop(): void {
    clearTimeout(this.#idle);
    this.#worker?.terminate();
    this.#worker = undefined;
    const orphans = [...this.#pending.values()];
    this.#pending.clear();
    for (const job of orphans) mainThread(job.blob, job.algorithm).then(job.resolve, job.reject);
  }
}

type Hasher = { init(): unknown; update(data: Uint8Array): unknown; digest(format: 'binary'): Uint8Array };
const hashers = new Map<ChecksumAlgorithm, Promise<Hasher | undefined>>();

// CRC-32C and CRC-64/NVME on this thread: hash-wasm (Node has no native one), else the table.
function wasmHasher(algorithm: ChecksumAlgorithm): Promise<Hasher | undefined> {
  let made = hashers.get(algorithm);
  if (!made) {
    const poly = wasmPolynomial(algorithm);
    made = import('./crc32-wasm.js')
      .then(({ createCRC32, createCRC64 }) =>
        typeof poly === 'string' ? createCRC64(poly) : createCRC32(poly),
      )
      .catch(() => undefined);
    hashers.set(algorithm, made);
  }
  return made;
}

async function mainThread(
  blob: Blob,
  algorithm: ChecksumAlgorithm,
): Promise<{ digest: Uint8Array; place: Crc32Place }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (algorithm === 'CRC32') {
    const { crc32 } = await loadCrc32();
    const crc = crc32(bytes);
    return {
      digest: Uint8Array.of(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff),
      place: 'main-thread',
    };
  }
  const hasher = await wasmHasher(algorithm);
  if (!hasher) return { digest: checksumByTable(algorithm, bytes), place: 'main-thread' };
  hasher.init();
  hasher.update(bytes);
  return { digest: hasher.digest('binary'), place: 'main-thread' };
}

let shared: Crc32Offload | undefined;

/**
 * The CRC-32 of a Blob (a file or a part of it): in a Worker (hash-wasm, or the table where
 * WebAssembly is refused) from `WORKER_MIN_BYTES` on where Workers exist, else on this
 * thread (`node:zlib` in Node, hash-wasm or the table in a browser). One Worker per page.
 */
export async function crc32OfBlob(blob: Blob): Promise<number> {
  shared ??= new Crc32Offload();
  return (await shared.crc(blob)).crc;
}

/** The Blob's checksum by `algorithm` (big-endian bytes), in the shared Worker as {@link crc32OfBlob}. */
export async function checksumOfBlob(blob: Blob, algorithm: ChecksumAlgorithm): Promise<Uint8Array> {
  shared ??= new Crc32Offload();
  return (await shared.digest(blob, algorithm)).digest;
}
