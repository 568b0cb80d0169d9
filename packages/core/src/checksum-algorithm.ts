// The checksum algorithms S3 verifies on upload and the engine can send, as data: their
// polynomials, S3's wire names, base64 forms, a JavaScript fallback, and the combine of part
// checksums into the whole object's (zlib's crc32_combine, for any reflected CRC). Pure: no
// I/O, no WebAssembly (crc32-offload.ts hashes Blobs, in a Worker).

/**
 * A full-object checksum S3 verifies: `CRC32` and `CRC32C` (4 bytes) or `CRC64NVME`
 * (8 bytes; full-object only, and what S3 itself stores for an object uploaded without one).
 */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = Object.freeze([
  'CRC32',
  'CRC32C',
  'CRC64NVME',
]);

interface Spec {
  /** Checksum width in bytes. */
  bytes: 4 | 8;
  /** The reflected polynomial (zlib's and hash-wasm's form). */
  poly: bigint;
  /** S3's field name: `ChecksumCRC32` in the SDK, `x-amz-checksum-crc32` on the wire. */
  field: 'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME';
}

const SPECS: Record<ChecksumAlgorithm, Spec> = {
  CRC32: { bytes: 4, poly: 0xedb88320n, field: 'ChecksumCRC32' },
  // Castagnoli: iSCSI's CRC, 0x1EDC6F41 reflected.
  CRC32C: { bytes: 4, poly: 0x82f63b78n, field: 'ChecksumCRC32C' },
  // CRC-64/NVME (NVM Express base specification): 0xAD93D23594C93659 reflected; check value
  // of "123456789" is 0xAE8B14860A799888.
  CRC64NVME: { bytes: 8, poly: 0x9a6c9329ac4bc9b5n, field: 'ChecksumCRC64NVME' },
};

export function isChecksumAlgorithm(value: unknown): value is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly unknown[]).includes(value);
}

/** The SDK field of the algorithm (`ChecksumCRC64NVME`): on PutObject, UploadPart, Complete, ListParts. */
export function checksumField(algorithm: ChecksumAlgorithm): Spec['field'] {
  return SPECS[algorithm].field;
}

/** The polynomial as hash-wasm takes it: a number for CRC-32s, a hex string for CRC-64. */
export function wasmPolynomial(algorithm: ChecksumAlgorithm): number | string {
  const { poly, bytes } = SPECS[algorithm];
  return bytes === 4 ? Number(poly) : poly.toString(16).padStart(16, '0');
}

/** The checksum as S3 sends it: its big-endian bytes, base64-encoded. */
export function digestToBase64(digest: Uint8Array): string {
  return btoa(String.fromCharCode(...digest));
}

/** The big-endian bytes of S3's base64 form; undefined when it is not the algorithm's width. */
export function digestFromBase64(value: string, algorithm: ChecksumAlgorithm): Uint8Array | undefined {
  let raw: string;
  try {
    raw = atob(value);
  } catch {
    return undefined;
  }
  if (raw.length !== SPECS[algorithm].bytes) return undefined;
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function toBigInt(digest: Uint8Array): bigint {
  let value = 0n;
  for (const byte of digest) value = (value << 8n) | BigInt(byte);
  return value;
}

function toBytes(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

// ---- the JavaScript fallback (where WebAssembly is refused) ----

const tables = new Map<ChecksumAlgorithm, bigint[]>();

function tableOf(algorithm: ChecksumAlgorithm): bigint[] {
  let table = tables.get(algorithm);
  if (!table) {
    const { poly } = SPECS[algorithm];
    table = Array.from({ length: 256 }, (_, n) => {
      let c = BigInt(n);
      for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
      return c;
    });
    tables.set(algorithm, table);
  }
  return table;
}

/**
 * The checksum of `bytes` by a byte table, in BigInt: slow (a few MiB/s for CRC-64), only
 * for a page whose CSP refuses WebAssembly. CRC-32 has a faster table in crc32.ts.
 */
export function checksumByTable(algorithm: ChecksumAlgorithm, bytes: Uint8Array): Uint8Array {
  const { bytes: width } = SPECS[algorithm];
  const table = tableOf(algorithm);
  const mask = (1n << BigInt(width * 8)) - 1n;
  let crc = mask;
  for (const byte of bytes) crc = table[Number((crc ^ BigInt(byte)) & 0xffn)]! ^ (crc >> 8n);
  return toBytes(crc ^ mask, width);
}

// ---- combining: CRC(A || B) from CRC(A), CRC(B) and B's length ----
// zlib's crc32_combine (1.2.12 and later) for any reflected CRC: appending n zero bytes to A
// multiplies its CRC by x^(8n) modulo the polynomial; x^(2^k) mod p is kept in a table, so a
// combine costs about log2(n) multiplications. The pre- and post-conditioning (all ones)
// cancel out, so the formula is crc(A||B) = crc(A)·x^(8·len(B)) mod p  XOR  crc(B).

interface Field {
  poly: bigint;
  top: bigint;
  /** x^(2^k) mod p for k = 0..width-1. */
  powers: bigint[];
}

const fields = new Map<ChecksumAlgorithm, Field>();

/** a(x)·b(x) mod p(x), in the reflected representation (x^0 is the top bit). */
function multiply(a: bigint, b: bigint, f: Field): bigint {
  let product = 0n;
  for (let m = f.top; m !== 0n; m >>= 1n) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    b = b & 1n ? (b >> 1n) ^ f.poly : b >> 1n;
  }
  return product;
}

function fieldOf(algorithm: ChecksumAlgorithm): Field {
  let f = fields.get(algorithm);
  if (!f) {
    const bits = BigInt(SPECS[algorithm].bytes * 8);
    const top = 1n << (bits - 1n);
    f = { poly: SPECS[algorithm].poly, top, powers: [] };
    let p = top >> 1n; // x^1
    for (let k = 0n; k < bits; k++) {
      f.powers.push(p);
      p = multiply(p, p, f);
    }
    fields.set(algorithm, f);
  }
  return f;
}

/** x^(8·n) mod p: n zero bytes. `n` may exceed 2^32 (objects up to 48.8 TiB): no bit operators on it. */
function zeroBytes(n: number, f: Field): bigint {
  let p = f.top; // x^0
  let k = 3; // 8 = 2^3
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2), k++) {
    if (remaining % 2 === 1) p = multiply(f.powers[k % f.powers.length]!, p, f);
  }
  return p;
}

/**
 * The whole object's checksum from its parts' checksums (base64, in part order) and sizes:
 * what S3 verifies for a multipart upload created with `ChecksumType: FULL_OBJECT`, with no
 * second read of the file.
 */
export function combineChecksums(
  algorithm: ChecksumAlgorithm,
  parts: readonly { value: string; size: number }[],
): string {
  const f = fieldOf(algorithm);
  const width = SPECS[algorithm].bytes;
  let crc = 0n;
  for (const [i, part] of parts.entries()) {
    const digest = digestFromBase64(part.value, algorithm);
    if (!digest)
      throw new Error(`part ${i + 1}'s ${algorithm} "${part.value}" is not ${width} bytes of base64`);
    crc = part.size > 0 ? multiply(zeroBytes(part.size, f), crc, f) ^ toBigInt(digest) : crc;
  }
  return digestToBase64(toBytes(crc, width));
}
