// The code of the CRC Worker (see crc32-offload.ts). Not imported by the engine: it is
// bundled with its one dependency into a string by build/build-crc32-worker.mjs
// (src/crc32-worker-source.ts), which the engine starts as a Worker from a Blob URL, so it
// works with every bundler and needs no file an app must serve.
import { createCRC32, createCRC64, type IHasher } from 'hash-wasm';
import { type ChecksumAlgorithm, checksumByTable, wasmPolynomial } from './checksum-algorithm.js';
import { crc32Table } from './crc32.js';

/** A job: the checksum of this Blob (a part of the file: sent as a handle, never copied). */
export interface Crc32Job {
  id: number;
  blob: Blob;
  /** Default `CRC32`. */
  algorithm?: ChecksumAlgorithm;
}

/** The answer: the checksum's big-endian bytes, or why the Blob could not be read (the engine rethrows it). */
export type Crc32Answer =
  | { id: number; digest: Uint8Array }
  | { id: number; error: { name: string; message: string } };

interface WorkerScope {
  onmessage: ((event: MessageEvent<Crc32Job>) => void) | null;
  postMessage(answer: Crc32Answer): void;
}

const scope = self as unknown as WorkerScope;
// One hasher per algorithm, made on first use. WebAssembly may be refused here too (a CSP
// without 'wasm-unsafe-eval'): the tables then.
const hashers = new Map<ChecksumAlgorithm, Promise<IHasher | undefined>>();
function hasher(algorithm: ChecksumAlgorithm): Promise<IHasher | undefined> {
  let made = hashers.get(algorithm);
  if (!made) {
    const poly = wasmPolynomial(algorithm);
    made = (typeof poly === 'string' ? createCRC64(poly) : createCRC32(poly)).catch(() => undefined);
    hashers.set(algorithm, made);
  }
  return made;
}

function table(algorithm: ChecksumAlgorithm, bytes: Uint8Array): Uint8Array {
  if (algorithm !== 'CRC32') return checksumByTable(algorithm, bytes);
  const crc = crc32Table(bytes);
  return Uint8Array.of(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff);
}

scope.onmessage = async ({ data: { id, blob, algorithm = 'CRC32' } }) => {
  try {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const wasm = await hasher(algorithm);
    let digest: Uint8Array;
    if (wasm) {
      wasm.init();
      wasm.update(bytes);
      digest = wasm.digest('binary');
    } else {
      digest = table(algorithm, bytes);
    }
    scope.postMessage({ id, digest });
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    scope.postMessage({
      id,
      error: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? error) },
    });
  }
};
