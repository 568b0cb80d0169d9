import { isUploadError } from './errors.js';

/** Restarts after 409 ConditionalRequestConflict before giving up (S3: upload again). */
export const MAX_CONFLICT_RESTARTS = 2;

/**
 * Whether a failed run starts the upload over: S3 answers 409 ConditionalRequestConflict to a
 * conditional write that raced another write of the key, and its documented remedy is to
 * upload again (a new multipart upload), at most `MAX_CONFLICT_RESTARTS` times.
 */
export function restartsAfter(error: unknown, restarts: number): boolean {
  return isUploadError(error) && error.code === 'conflict' && restarts < MAX_CONFLICT_RESTARTS;
}
