/**
 * Deterministic pseudo-random bytes (xorshift32) for test files: the same size and seed give
 * the same bytes in Node and in the browser, so a page reloaded mid-upload can build the same
 * file again, and a mismatch in the bucket shows as different bytes. Browser-safe: this
 * module imports nothing (`@s3up/testkit/seeded-bytes`).
 */
export function seededBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
