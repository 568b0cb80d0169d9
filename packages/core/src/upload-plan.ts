import {
  DEFAULT_MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_PUT_SIZE,
  MIN_PART_SIZE,
} from '@s3up/contract';
import { UploadError } from './errors.js';

/** How a file goes up: one PutObject, or parts of `partSize` (the last one may be smaller). */
export type UploadPlan =
  | { kind: 'put'; size: number }
  | { kind: 'multipart'; size: number; partSize: number; partCount: number };

/**
 * PutObject below `threshold` (and for empty files); otherwise parts of
 * max(partSize, ceil(size / 10,000)), so that any file up to `maxObjectSize` (default
 * S3's maximum, 10,000 parts of 5 GiB) fits in 10,000 parts.
 */
export function planUpload(
  size: number,
  partSize: number,
  threshold: number,
  maxObjectSize: number = DEFAULT_MAX_OBJECT_SIZE,
): UploadPlan {
  if (size > maxObjectSize) {
    throw new UploadError(
      'too-large',
      `The file is ${size} bytes; this uploader stores objects of at most ${maxObjectSize} bytes (maxObjectSize).`,
    );
  }
  if (size === 0 || (size < threshold && size <= MAX_PUT_SIZE)) return { kind: 'put', size };
  const grown = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const chosen = Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, grown));
  return { kind: 'multipart', size, partSize: chosen, partCount: Math.ceil(size / chosen) };
}

/** A plan from a resume record's part size, or undefined when that size cannot work for this file. */
export function planWithPartSize(
  size: number,
  partSize: number,
): Extract<UploadPlan, { kind: 'multipart' }> | undefined {
  if (size === 0 || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) return undefined;
  const partCount = Math.ceil(size / partSize);
  if (partCount > MAX_PARTS) return undefined;
  return { kind: 'multipart', size, partSize, partCount };
}

/** Byte range [start, end) of part `partNumber` (1-based). */
export function partRange(
  plan: { size: number; partSize: number },
  partNumber: number,
): { start: number; end: number } {
  const start = (partNumber - 1) * plan.partSize;
  return { start, end: Math.min(plan.size, start + plan.partSize) };
}
