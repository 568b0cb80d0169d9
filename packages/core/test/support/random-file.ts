import { randomFillSync } from 'node:crypto';

export const MiB = 1024 * 1024;

/** A File of random bytes (random so that a misplaced part cannot go unnoticed). */
export function randomFile(
  size: number,
  name = 'data.bin',
  lastModified = 1_700_000_000_000,
): { file: File; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) randomFillSync(bytes, at, Math.min(65536, size - at));
  return { file: new File([bytes], name, { type: 'application/octet-stream', lastModified }), bytes };
}

/**
 * True when both hold the same bytes. Use it instead of `toEqual` on large arrays: the
 * deep-equality walk over millions of indexes takes minutes and gigabytes.
 */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return (
    a !== undefined &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    )
  );
}
