import { isUploadError } from './errors.js';
import { isAbort } from './failure.js';
import { abortMultipartUpload, type MultipartTarget, type OperationScope } from './s3-operations.js';

/**
 * The multipart uploads of one file that must be aborted on S3: the one a cancel or remove
 * gives up, a stored one that cannot be continued, one a conflict restart replaced. Those
 * whose abort could not reach S3 (network error or 5xx after every retry: the server was
 * down) are kept, and the abort is sent again before the next run (retry) and by the next
 * cancel or remove, instead of leaving their parts to a lifecycle rule.
 */
export class RemoteAbort {
  readonly #pending: MultipartTarget[] = [];

  /** Uploads still to abort. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Marks an upload to abort with the next `send`. */
  add(upload: MultipartTarget): void {
    this.#pending.push(upload);
  }

  /**
   * Sends AbortMultipartUpload for each pending upload; those S3 could not be reached for
   * (network, 5xx, or a pause during the backoff) stay for the next attempt. NoSuchUpload
   * means already gone; other refusals (403) cannot be mended by sending again and are left
   * to the bucket's AbortIncompleteMultipartUpload lifecycle rule.
   */
  async send(scope: OperationScope): Promise<void> {
    for (const upload of this.#pending.splice(0)) {
      try {
        await abortMultipartUpload(scope, upload);
      } catch (error) {
        if (isAbort(error) || (isUploadError(error) && (error.code === 'network' || error.code === 'server')))
          this.#pending.push(upload);
      }
    }
  }
}
