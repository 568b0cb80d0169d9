import type { ChecksumAlgorithm } from './checksum-algorithm.js';
import type { CredentialsSource } from './credentials-source.js';
import { isUploadError, UploadError } from './errors.js';
import { isAbort } from './failure.js';
import {
  headObject,
  type ObjectTarget,
  type OperationScope,
  type SentChecksum,
  type StoredObject,
} from './s3-operations.js';
import type { S3Transport } from './s3-transport.js';
import type { TaskModel } from './task-model.js';
import type { UploadContext } from './upload-context.js';

/**
 * What a check of a stored object proved beyond its size and part count: `checksum` when S3
 * reported the object's full-object checksum and it equals the file's.
 */
export interface StoredProof {
  checksum?: SentChecksum;
}

/** Builds the scope of a request for one file (its priority, signal and reconnect reporting). */
export type ScopeOf = (
  transport: S3Transport,
  signal: AbortSignal,
  source?: CredentialsSource,
) => OperationScope;

/** The token server says it does not offer the `read` scope: there is nothing to ask for. */
class ReadNotOffered extends Error {}

/**
 * The checks after S3 took a file: that the key holds the file's size (`verify`), and,
 * when a resent Complete met NoSuchUpload, whether the first one completed it
 * (`storedWhole`). Both ask HeadObject, with upload credentials when they may read the
 * key, else with read-scope ones.
 */
export class StoredCheck {
  readonly #context: UploadContext;
  readonly #task: TaskModel;
  readonly #scope: ScopeOf;

  constructor(context: UploadContext, task: TaskModel, scope: ScopeOf) {
    this.#context = context;
    this.#task = task;
    this.#scope = scope;
  }

  /**
   * Sets `task.verified` from the stored object's size (with `verify` on). A size that
   * differs means the object is not this file: `onMismatch` runs (the upload forgets its
   * state), then an `integrity` error is thrown.
   */
  async verify(signal: AbortSignal, target: ObjectTarget, onMismatch: () => void): Promise<void> {
    if (!this.#context.options.verify) return;
    let length: number | undefined;
    try {
      length = (await this.#headStored(await this.#context.transport(), target, signal)).length;
    } catch (error) {
      if (
        error instanceof ReadNotOffered ||
        (isUploadError(error) && error.code === 'credentials' && error.status === 403)
      ) {
        // The token server does not offer the read scope (its default; said in the answer's
        // offeredScopes, or by a 403 from an older server): S3 accepted every part and the
        // completion, so the object is stored as sent. Failing here would report a stored
        // file as failed; only the extra check is skipped, and said so (verified: false).
        this.#task.verified = false;
        return;
      }
      if (isUploadError(error) && error.code === 'access-denied') {
        throw new UploadError(
          'access-denied',
          `Stored ${target.key} but could not check its size: HeadObject needs s3:GetObject on the key (with upload or "read" scope credentials). Allow it, or set verify: false.`,
          { cause: error },
        );
      }
      throw error;
    }
    if (length === this.#task.size) {
      this.#task.verified = true;
      return;
    }
    onMismatch();
    throw new UploadError(
      'integrity',
      `${target.key} is ${length ?? 'of unknown size'} bytes in the bucket but the file has ${this.#task.size}; retry to upload it again.`,
    );
  }

  /**
   * Whether the key holds this file as a multipart object of `partCount` parts, and how far
   * that is proven. Size, and the `-N` suffix of a multipart ETag when S3 gives one, always;
   * with `expected` (the algorithm the upload was created with and the file's full-object
   * checksum, computed only when needed), HeadObject asks for the object's checksum too: when
   * S3 reports one of that algorithm it must equal the file's (`proof.checksum`), else the key
   * holds another file. When S3 reports none (Ceph RGW 16 keeps none; a CORS that does not
   * expose x-amz-checksum-*), only size and part count were compared (`proof.checksum` unset).
   * Asked with upload credentials, then read ones. Undefined when it is not this file or it
   * cannot tell.
   */
  async storedWhole(
    transport: S3Transport,
    target: ObjectTarget,
    partCount: number,
    signal: AbortSignal,
    expected?: { algorithm: ChecksumAlgorithm; value: () => Promise<string> },
  ): Promise<StoredProof | undefined> {
    let stored: StoredObject;
    try {
      stored = await this.#headStored(transport, target, signal, expected !== undefined);
    } catch (error) {
      if (isAbort(error)) throw error;
      return undefined;
    }
    if (stored.length !== this.#task.size) return undefined;
    // A multipart ETag ends in "-<parts>": another count means another upload wrote the key.
    const count = stored.etag ? /-(\d+)"?$/.exec(stored.etag)?.[1] : undefined;
    if (count !== undefined && Number(count) !== partCount) return undefined;
    if (!expected || stored.checksum?.algorithm !== expected.algorithm) return {};
    return stored.checksum.value === (await expected.value()) ? { checksum: stored.checksum } : undefined;
  }

  /**
   * HeadObject of the key with the upload credentials, or, when they may not read it
   * (no s3:GetObject, usual for upload scope), with read-scope ones from the endpoint.
   */
  async #headStored(
    transport: S3Transport,
    target: ObjectTarget,
    signal: AbortSignal,
    withChecksum = false,
  ): Promise<StoredObject> {
    // The credentials answer lists the actions the session may take: when s3:GetObject is
    // not among them (the upload scope), asking would only earn a 403, shown in red in the
    // browser's console on a successful upload; go to read-scope credentials at once.
    const actions = this.#context.source.current?.response.actions;
    const mayRead = actions === undefined || actions.some((a) => a === 's3:GetObject' || a === 's3:*');
    if (mayRead) {
      try {
        return await headObject(this.#scope(transport, signal), target, { withChecksum });
      } catch (error) {
        if (!(isUploadError(error) && error.code === 'access-denied')) throw error;
      }
    }
    // The answer lists the scopes the server offers: without `read`, asking for it would
    // only earn a 403 (in red in the console on the first upload); older servers do not
    // say, and readAccess() remembers their 403 instead.
    const offered = this.#context.source.current?.response.offeredScopes;
    if (offered !== undefined && !offered.includes('read')) throw new ReadNotOffered();
    const read = await this.#context.readAccess();
    return headObject(this.#scope(read.transport, signal, read.source), target, { withChecksum });
  }
}
