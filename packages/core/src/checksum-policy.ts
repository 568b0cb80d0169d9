import type { CompletedPart } from '@aws-sdk/client-s3';
import { crc32FromBase64, crc32ToBase64, fullObjectCrc32 } from './checksum.js';
import type { Credentials } from './credentials-source.js';
import type { ResolvedOptions } from './options.js';
import type { MultipartPlan } from './resume.js';
import { partRange } from './upload-plan.js';

/**
 * Whether this upload sends CRC-32 checksums: the engine's option, else what the credentials
 * answer says of the backend (`WHEN_REQUIRED` for one that rejects them), else AWS's default.
 */
export function checksumsOn(options: ResolvedOptions, credentials: Credentials): boolean {
  const mode =
    options.requestChecksumCalculation ?? credentials.response.requestChecksumCalculation ?? 'WHEN_SUPPORTED';
  return mode === 'WHEN_SUPPORTED';
}

/**
 * CRC-32 of a slice of the file: at most one part in memory, only while it is hashed; in a
 * Worker for parts (crc32-offload.ts), so the page's main thread only posts the Blob.
 */
export async function crcOf(blob: Blob): Promise<number> {
  // Loaded with the first checksum (the Worker's code, hash-wasm inside, ~4 kB gzip), never
  // with the page nor when checksums are off.
  const { crc32OfBlob } = await import('./crc32-offload.js');
  return crc32OfBlob(blob);
}

/** The CRC-32 of a blob, base64 as S3 takes it. */
export async function crcBase64Of(blob: Blob): Promise<string> {
  return crc32ToBase64(await crcOf(blob));
}

/**
 * The whole file's CRC-32 from the part CRCs (crc32_combine: no second read of the file).
 * Every part carries one here: sent ones were hashed, resumed ones were checked against
 * the file's bytes.
 */
export function fullObjectCrc(plan: MultipartPlan, stored: ReadonlyMap<number, CompletedPart>): string {
  const parts: { crc: number; size: number }[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    const listed = stored.get(n)?.ChecksumCRC32;
    const crc = listed === undefined ? undefined : crc32FromBase64(listed);
    if (crc === undefined) throw new Error(`part ${n} has no CRC-32 to combine`);
    const { start, end } = partRange(plan, n);
    parts.push({ crc, size: end - start });
  }
  return crc32ToBase64(fullObjectCrc32(parts));
}
