import type { CompletedPart } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm } from './checksum-algorithm.js';
import type { MultipartPlan } from './resume.js';
import type { MultipartTarget, ObjectTarget } from './s3-operations.js';

/**
 * Where one file's upload stands between runs:
 * - `idle`: no multipart upload held (a new file, a PutObject, or after a reset);
 * - `multipart`: an UploadId and the parts stored under it;
 * - `stored`: the object is in place (PutObject or Complete succeeded); only the check remains,
 *   so a pause or failure there must not upload again.
 */
export type Phase = { name: 'idle' } | MultipartPhase | StoredPhase;

export interface MultipartPhase {
  name: 'multipart';
  upload: MultipartTarget;
  plan: MultipartPlan;
  /** The algorithm it was created with: every part carries it. */
  checksum: ChecksumAlgorithm | undefined;
  /** Created with ChecksumType FULL_OBJECT: Complete carries the whole file's checksum. */
  fullObject: boolean;
  parts: Map<number, CompletedPart>;
}

export interface StoredPhase {
  name: 'stored';
  target: ObjectTarget;
}
