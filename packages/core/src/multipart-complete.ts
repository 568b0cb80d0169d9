import { fullObjectChecksum } from './checksum-policy.js';
import { isUploadError } from './errors.js';
import { completeMultipartUpload, type OperationScope, type SentChecksum } from './s3-operations.js';
import type { StoredCheck } from './stored-check.js';
import type { MultipartPhase } from './upload-phase.js';

/**
 * CompleteMultipartUpload of one file, with the full-object checksum when the upload was
 * created for one, and the case of a Complete whose answer was lost: it counts the requests
 * sent for an UploadId across retries and runs, so a NoSuchUpload after a resent Complete
 * asks S3 whether the first one stored the file before anything is reported failed.
 */
export class MultipartCompletion {
  readonly #check: StoredCheck;
  readonly #overwrite: boolean;
  /** CompleteMultipartUpload requests sent for an UploadId, across retries and runs. */
  #sent = { uploadId: '', count: 0 };

  constructor(check: StoredCheck, overwrite: boolean) {
    this.#check = check;
    this.#overwrite = overwrite;
  }

  /** Completes the upload; returns the full-object checksum sent, if any. */
  async complete(scope: OperationScope, phase: MultipartPhase): Promise<SentChecksum | undefined> {
    const { upload } = phase;
    const parts = [...phase.parts.values()];
    const algorithm = phase.fullObject ? phase.checksum : undefined;
    const checksum = algorithm
      ? { algorithm, value: fullObjectChecksum(phase.plan, phase.parts, algorithm) }
      : undefined;
    try {
      await completeMultipartUpload(
        scope,
        upload,
        parts,
        { ...(checksum ? { checksum } : {}), ...(this.#overwrite ? {} : { ifNoneMatch: true }) },
        () => {
          if (this.#sent.uploadId !== upload.uploadId) this.#sent = { uploadId: upload.uploadId, count: 0 };
          this.#sent.count += 1;
        },
      );
    } catch (error) {
      // A Complete sent again after one whose answer was lost (network, stall): S3 may have
      // completed the first and now answers NoSuchUpload. The object then is in the bucket,
      // whole: check before reporting a stored file as failed.
      const resent = this.#sent.uploadId === upload.uploadId && this.#sent.count > 1;
      if (!(resent && isUploadError(error) && error.code === 'no-such-upload')) throw error;
      const proof = await this.#check.storedWhole(
        scope.transport,
        upload,
        parts.length,
        scope.signal,
        checksum && { algorithm: checksum.algorithm, value: async () => checksum.value },
      );
      if (!proof) throw error;
    }
    return checksum;
  }
}
