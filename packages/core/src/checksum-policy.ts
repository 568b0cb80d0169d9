import type { CompletedPart } from '@aws-sdk/client-s3';
import {
  type ChecksumAlgorithm,
  checksumField,
  combineChecksums,
  digestToBase64,
} from './checksum-algorithm.js';
import type { Credentials } from './credentials-source.js';
import type { ResolvedOptions } from './options.js';
import type { MultipartPlan } from './resume.js';
import { partRange } from './upload-plan.js';

/**
 * Whether this upload sends checksums: the engine's option, else what the credentials
 * answer says of the backend (`WHEN_REQUIRED` for one that rejects them), else AWS's default.
 */
export function checksumsOn(options: ResolvedOptions, credentials: Credentials): boolean {
  const mode =
    options.requestChecksumCalculation ?? credentials.response.requestChecksumCalculation ?? 'WHEN_SUPPORTED';
  return mode === 'WHEN_SUPPORTED';
}

/** Whether the credentials point at AWS S3: no endpoint, or one of AWS's own (FIPS, dual-stack, VPC). */
function onAws(credentials: Credentials): boolean {
  const endpoint = credentials.response.endpoint;
  if (endpoint === undefined) return true;
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * The checksum this upload sends, or undefined when checksums are off: the engine's
 * `checksumAlgorithm`, else `CRC64NVME` on AWS and `CRC32` elsewhere (options.ts says why).
 */
export function checksumAlgorithmFor(
  options: ResolvedOptions,
  credentials: Credentials,
): ChecksumAlgorithm | undefined {
  if (!checksumsOn(options, credentials)) return undefined;
  return options.checksumAlgorithm ?? (onAws(credentials) ? 'CRC64NVME' : 'CRC32');
}

/**
 * The checksum of a slice of the file, base64 as S3 takes it: at most one part in memory,
 * only while it is hashed; in a Worker for parts (crc32-offload.ts), so the page's main
 * thread only posts the Blob.
 */
export async function checksumBase64Of(blob: Blob, algorithm: ChecksumAlgorithm): Promise<string> {
  // Loaded with the first checksum (the Worker's code, hash-wasm inside), never with the
  // page nor when checksums are off.
  const { checksumOfBlob } = await import('./crc32-offload.js');
  return digestToBase64(await checksumOfBlob(blob, algorithm));
}

/**
 * The whole file's checksum from the part checksums (crc_combine: no second read of the
 * file). Every part carries one here: sent ones were hashed, resumed ones were checked
 * against the file's bytes.
 */
export function fullObjectChecksum(
  plan: MultipartPlan,
  stored: ReadonlyMap<number, CompletedPart>,
  algorithm: ChecksumAlgorithm,
): string {
  const field = checksumField(algorithm);
  const parts: { value: string; size: number }[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    const value = stored.get(n)?.[field];
    if (value === undefined) throw new Error(`part ${n} has no ${algorithm} to combine`);
    const { start, end } = partRange(plan, n);
    parts.push({ value, size: end - start });
  }
  return combineChecksums(algorithm, parts);
}
