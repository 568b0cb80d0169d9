import { crc32Table } from './crc32.js';

/** A CRC-32 of some bytes, as an unsigned 32-bit number. */
export type Crc32 = (bytes: Uint8Array) => number;

/** Which implementation computes CRCs here (for benchmarks and diagnostics). */
export type Crc32Implementation = 'node:zlib' | 'wasm' | 'js';

type NodeProcess = { getBuiltinModule?: (id: string) => unknown };
type NodeZlib = { crc32?: (data: Uint8Array, value?: number) => number };

let chosen: Promise<{ crc32: Crc32; implementation: Crc32Implementation }> | undefined;

/**
 * The fastest CRC-32 this runtime has, chosen once: `node:zlib`'s `crc32` in Node (about
 * 1,600 MiB/s here), hash-wasm's WebAssembly CRC in browsers (about 1,000 MiB/s), the
 * JavaScript table (about 300 MiB/s) where neither loads (a CSP without `wasm-unsafe-eval`).
 */
export function loadCrc32(
  prefer?: Crc32Implementation,
): Promise<{ crc32: Crc32; implementation: Crc32Implementation }> {
  if (prefer) return pick(prefer);
  chosen ??= pick();
  return chosen;
}

async function pick(
  prefer?: Crc32Implementation,
): Promise<{ crc32: Crc32; implementation: Crc32Implementation }> {
  if (prefer === undefined || prefer === 'node:zlib') {
    const proc = (globalThis as { process?: NodeProcess }).process;
    const zlib = proc?.getBuiltinModule?.('node:zlib') as NodeZlib | undefined;
    const native = zlib?.crc32;
    if (typeof native === 'function')
      return { crc32: (bytes) => native(bytes) >>> 0, implementation: 'node:zlib' };
  }
  if (prefer === undefined || prefer === 'wasm') {
    try {
      const { createCRC32 } = await import('./crc32-wasm.js');
      const hasher = await createCRC32();
      // The hasher is used synchronously (init, update, digest), so one instance serves all.
      const crc32: Crc32 = (bytes) => {
        hasher.init();
        hasher.update(bytes);
        const d = hasher.digest('binary');
        return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
      };
      return { crc32, implementation: 'wasm' };
    } catch {
      // WebAssembly refused (CSP) or the chunk did not load: the table still works.
    }
  }
  return { crc32: crc32Table, implementation: 'js' };
}

/** The CRC as S3 sends it: the 4 big-endian bytes, base64-encoded. */
export function crc32ToBase64(crc: number): string {
  return btoa(String.fromCharCode((crc >>> 24) & 0xff, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff));
}

/** The CRC from S3's base64 form; undefined when it is not 4 bytes of base64. */
export function crc32FromBase64(value: string): number | undefined {
  let raw: string;
  try {
    raw = atob(value);
  } catch {
    return undefined;
  }
  if (raw.length !== 4) return undefined;
  return (
    ((raw.charCodeAt(0) << 24) | (raw.charCodeAt(1) << 16) | (raw.charCodeAt(2) << 8) | raw.charCodeAt(3)) >>>
    0
  );
}

// ---- combining: CRC(A || B) from CRC(A), CRC(B) and the length of B ----
// CRC-32 is linear over GF(2): appending n zero bytes to A is a 32x32 bit-matrix applied to
// its CRC, and the matrix for n bytes is built by squaring the one-zero-bit operator log(n)
// times. This is what zlib's crc32_combine does; it lets the engine give S3 the full-object
// CRC of a multipart upload from the part CRCs, without reading the file a second time.

function times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i]!;
  return sum >>> 0;
}

function square(matrix: Uint32Array): Uint32Array {
  const out = new Uint32Array(32);
  for (let n = 0; n < 32; n++) out[n] = times(matrix, matrix[n]!);
  return out;
}

/** CRC-32 of the concatenation A || B, from crc(A), crc(B) and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  // The operator for one zero bit: the reflected polynomial in row 0, then a shift.
  let operator: Uint32Array = new Uint32Array(32);
  operator[0] = 0xedb88320;
  for (let n = 1; n < 32; n++) operator[n] = 1 << (n - 1);
  operator = square(square(square(operator))); // one zero byte = eight zero bits
  let crc = crcA >>> 0;
  // lengthB may exceed 2^32 (parts up to 5 GiB, objects far larger): no bit operators on it.
  for (let remaining = lengthB; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) crc = times(operator, crc);
    if (remaining > 1) operator = square(operator);
  }
  return (crc ^ crcB) >>> 0;
}

/** The CRC-32 of the whole object from its parts' CRCs and sizes, in part order. */
export function fullObjectCrc32(parts: readonly { crc: number; size: number }[]): number {
  let crc = 0;
  for (const part of parts) crc = crc32Combine(crc, part.crc, part.size);
  return crc;
}
