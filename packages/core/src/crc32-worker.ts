// The code of the CRC Worker (see crc32-offload.ts). Not imported by the engine: it is
// bundled with its one dependency into a string by build/build-crc32-worker.mjs
// (src/crc32-worker-source.ts), which the engine starts as a Worker from a Blob URL, so it
// works with every bundler and needs no file an app must serve.
import { createCRC32 } from 'hash-wasm';
import { crc32Table } from './crc32.js';

/** A job: the CRC-32 of this Blob (a part of the file: sent as a handle, never copied). */
export interface Crc32Job {
  id: number;
  blob: Blob;
}

/** The answer: the CRC, or why the Blob could not be read (the engine rethrows it). */
export type Crc32Answer =
  | { id: number; crc: number }
  | { id: number; error: { name: string; message: string } };

interface WorkerScope {
  onmessage: ((event: MessageEvent<Crc32Job>) => void) | null;
  postMessage(answer: Crc32Answer): void;
}

const scope = self as unknown as WorkerScope;
// WebAssembly may be refused here too (a CSP without 'wasm-unsafe-eval'): the table then.
const wasm = createCRC32().catch(() => undefined);

scope.onmessage = async ({ data: { id, blob } }) => {
  try {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const hasher = await wasm;
    let crc: number;
    if (hasher) {
      hasher.init();
      hasher.update(bytes);
      const d = hasher.digest('binary');
      crc = ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
    } else {
      crc = crc32Table(bytes);
    }
    scope.postMessage({ id, crc });
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    scope.postMessage({
      id,
      error: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? error) },
    });
  }
};
