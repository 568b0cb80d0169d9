/**
 * Random test files, in Node and in the browser (`@s3up/testkit/random-file`, imports
 * nothing): random so that a misplaced, repeated or missing part cannot go unnoticed when
 * the bucket's bytes are compared. For the same bytes again after a page reload, use
 * `@s3up/testkit/seeded-bytes`.
 */

export const MiB = 1024 * 1024;

/** `size` random bytes (Web Crypto fills at most 64 KiB a call). */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536)
    crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  return bytes;
}

/** A File of `size` random bytes, and the bytes, to compare with what the bucket holds. */
export function randomFile(
  size: number,
  name = 'data.bin',
  lastModified = 1_700_000_000_000,
): { file: File; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = randomBytes(size);
  return { file: new File([bytes], name, { type: 'application/octet-stream', lastModified }), bytes };
}

/**
 * True when both hold the same bytes. Use it instead of `toEqual` on large arrays: the
 * deep-equality walk over millions of indexes takes minutes and gigabytes.
 */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.byteLength !== b.byteLength) return false;
  // Node: one memcmp. The browser: a plain loop (about 100 ms for 64 MiB).
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (NodeBuffer)
    return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
