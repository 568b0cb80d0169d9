import type { CompletedPart } from '@aws-sdk/client-s3';
import { withRetries } from './backoff.js';
import { crc32FromBase64, crc32ToBase64, fullObjectCrc32 } from './checksum.js';
import type { Credentials, CredentialsSource } from './credentials-source.js';
import { isUploadError, UploadError } from './errors.js';
import { classify, isAbort } from './failure.js';
import { partsToKeep } from './flight-controller.js';
import { checkKey, defaultKey } from './object-key.js';
import {
  type MultipartPlan,
  type Resumed,
  ResumeRecords,
  resumeStored,
  type StoredElsewhere,
} from './resume.js';
import { fingerprintOf } from './resume-store.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  headObject,
  listParts,
  type MultipartTarget,
  type ObjectTarget,
  type OperationScope,
  putObject,
  type StoredObject,
  uploadPart,
} from './s3-operations.js';
import type { S3Transport } from './s3-transport.js';
import type { TaskModel } from './task-model.js';
import type { UploadContext } from './upload-context.js';
import { partRange, planUpload } from './upload-plan.js';
import { UploadProgress } from './upload-progress.js';

/** Restarts after 409 ConditionalRequestConflict before giving up (S3: upload again). */
const MAX_CONFLICT_RESTARTS = 2;

function isConflict(error: unknown): boolean {
  return isUploadError(error) && error.code === 'conflict';
}

/**
 * Where one file's upload stands between runs:
 * - `idle`: no multipart upload held (a new file, a PutObject, or after a reset);
 * - `multipart`: an UploadId and the parts stored under it;
 * - `stored`: the object is in place (PutObject or Complete succeeded); only the check remains,
 *   so a pause or failure there must not upload again.
 */
type Phase =
  | { name: 'idle' }
  | {
      name: 'multipart';
      upload: MultipartTarget;
      plan: MultipartPlan;
      /** Created with CRC32: every part carries one. */
      checksum: boolean;
      /** Created with ChecksumType FULL_OBJECT: Complete carries the whole file's CRC. */
      fullObject: boolean;
      parts: Map<number, CompletedPart>;
    }
  | { name: 'stored'; target: ObjectTarget };

type MultipartPhase = Extract<Phase, { name: 'multipart' }>;

/** Why a part was let go by a pause that keeps work: not a failure, the part stays pending. */
class LetGo extends Error {
  constructor() {
    super('part let go by a pause');
    this.name = 'AbortError';
  }
}

/** How a pause that keeps work ended: parts remain (`paused`), or every part is stored (`finishing`). */
export type DrainOutcome = 'paused' | 'finishing';

/**
 * One file's upload: PutObject or multipart, resumable from memory (pause) and from the
 * resume store (reload), with byte progress, part retries and a size check at the end.
 * Pause and cancel abort the signal given to `run()`; the multipart state survives it.
 * The S3 requests are in `s3-operations.ts`, the resume record in `resume.ts`, the byte
 * count in `upload-progress.ts`; this class keeps the order of things.
 */
export class FileUpload {
  readonly task: TaskModel;
  readonly priority: number;
  readonly #context: UploadContext;
  readonly #records: ResumeRecords;
  readonly #progress: UploadProgress;
  #phase: Phase = { name: 'idle' };
  /** The bucket of the first credentials: the file stays there across runs. */
  #bucket: string | undefined;
  #abortPromise: Promise<void> | undefined;
  /**
   * Multipart uploads whose abort could not reach S3 (network error or 5xx after every retry:
   * the server was down). Their UploadIds are kept and the abort is sent again before the next
   * run (retry) and by the next cancel or remove, instead of leaving their parts to a
   * lifecycle rule.
   */
  readonly #unaborted: MultipartTarget[] = [];
  /** CompleteMultipartUpload requests sent for an UploadId, across retries and runs. */
  #completeSent = { uploadId: '', count: 0 };
  /**
   * The last run failed on a 403 from S3. The session may be dead on the server (revoked, or
   * the backend restarted and lost its roles) while it looks valid here: the next run (retry)
   * asks the endpoint for new credentials instead of reusing the cached ones.
   */
  #sessionRefused = false;
  /** Called after each progress change. */
  onProgress: () => void = () => {};
  /** Parts of the current run by number: waiting for the flight or in flight (`started`). */
  readonly #flying = new Map<number, { controller: AbortController; size: number; started: boolean }>();
  /** Set while parts are being sent (`#uploadParts`): only then can a pause keep work. */
  #sendingParts = false;
  /** A pause that keeps work is under way: no new part starts; `settle` ends it. */
  #draining: { settle: (outcome: DrainOutcome) => void } | undefined;

  constructor(context: UploadContext, task: TaskModel, priority: number) {
    this.#context = context;
    this.task = task;
    this.priority = priority;
    this.#records = new ResumeRecords(context, fingerprintOf(task.file));
    this.#progress = new UploadProgress(
      task,
      () => this.onProgress(),
      (bytes) => context.flight.sent(bytes),
    );
  }

  /** Uploads until success; throws an UploadError, or the signal's reason when paused or cancelled. */
  async run(signal: AbortSignal): Promise<void> {
    const fresh = this.#sessionRefused;
    this.#sessionRefused = false;
    try {
      await this.#run(signal, fresh);
    } catch (error) {
      if (isUploadError(error) && error.code === 'access-denied' && error.status === 403)
        this.#sessionRefused = true;
      throw error;
    }
  }

  async #run(signal: AbortSignal, freshCredentials: boolean): Promise<void> {
    this.#progress.restartMeter();
    // Paused after completion: the object is in place, only the check remains (it needs no
    // upload credentials, so their failure cannot fail a stored file).
    if (this.#phase.name === 'stored') return this.#finish(this.#phase.target, signal);
    const credentials = await this.#credentials(signal, freshCredentials);
    const transport = await this.#context.transport();
    const scope = this.#scope(transport, signal);
    this.#bucket ??= credentials.response.bucket;
    if (this.#unaborted.length > 0) await this.#abortUnaborted(transport);
    // A new upload's part size comes from the uplink measured now (flight-controller.ts); a
    // resumed one keeps the size in its record.
    const plan = planUpload(
      this.task.size,
      this.#context.flight.partSize(),
      this.#context.options.multipartThreshold,
      this.#context.options.maxObjectSize,
    );
    let target: ObjectTarget;
    let checksum: string | undefined;
    for (let restarts = 0; ; restarts++) {
      let phase: Phase = this.#phase;
      try {
        if (plan.kind === 'put' && phase.name === 'idle') {
          target = this.#target(credentials);
          checksum = await this.#put(scope, target, this.#checksumEnabled(credentials));
        } else {
          if (phase.name === 'idle') {
            phase = await this.#startMultipart(scope, credentials, plan as MultipartPlan);
            this.#phase = phase;
          }
          // Another tab completed the stored upload while this one waited: nothing to send.
          if (phase.name === 'stored') {
            target = phase.target;
            break;
          }
          if (phase.name !== 'multipart')
            throw new Error(`unexpected phase ${(phase as { name: string }).name}`);
          await this.#uploadParts(scope, phase);
          checksum = await this.#complete(scope, phase);
          target = { bucket: phase.upload.bucket, key: phase.upload.key };
        }
        break;
      } catch (error) {
        // S3 answers 409 ConditionalRequestConflict to a conditional write that raced another
        // write of the key; its documented remedy is to upload again (a new multipart upload).
        if (!(isConflict(error) && restarts < MAX_CONFLICT_RESTARTS)) throw error;
        if (phase.name === 'multipart') this.#unaborted.push(phase.upload);
        this.#phase = { name: 'idle' };
        this.#progress.clear();
        await this.#abortUnaborted(transport, signal);
      }
    }
    this.#phase = { name: 'stored', target };
    if (checksum) this.task.checksum = { algorithm: 'CRC32', type: 'FULL_OBJECT', value: checksum };
    await this.#finish(target, signal);
  }

  /**
   * After PutObject or Complete succeeded: the file is stored, so nothing that follows may
   * report it failed. A check that cannot run (read credentials refused or throttled,
   * HeadObject failing) becomes `task.warning` on a succeeded task. Only a pause passes
   * through (the next run checks again), and a size that differs, which means the object
   * is not this file.
   */
  async #finish(target: ObjectTarget, signal: AbortSignal): Promise<void> {
    await this.#records.forget();
    try {
      await this.#verify(signal, target);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (isAbort(error) || (isUploadError(error) && error.code === 'integrity')) throw error;
      this.task.verified = false;
      this.task.warning = isUploadError(error)
        ? error
        : new UploadError('internal', `Stored ${target.key}, then the check failed unexpectedly.`, {
            cause: error,
          });
    }
    this.#progress.settle(this.task.size);
  }

  /**
   * Cancels on the server: AbortMultipartUpload exactly once, however often it is called
   * (call it after `run()` has settled, so no part lands after the abort), then forgets
   * the resume record.
   */
  abortRemote(): Promise<void> {
    // Concurrent callers share one request; once it has run the UploadId is forgotten, so a
    // later call sends nothing for it, and one after a retry aborts the retry's new upload.
    this.#abortPromise ??= this.#abortRemote().finally(() => {
      this.#abortPromise = undefined;
    });
    return this.#abortPromise;
  }

  /** Drops in-flight bytes from the count and zeroes the speed (after a pause or failure). */
  idle(): void {
    this.#progress.idle();
    this.task.reconnecting = false;
  }

  /** Shows the stored bytes and the uplink's last speed at once (on resume, before the run measures). */
  showResumed(): void {
    this.#progress.show(this.#context.flight.rate ?? 0);
  }

  /**
   * A pause that keeps work: no new part starts, the parts that will all be sent within
   * `graceMs` at the measured speed finish (fewest bytes left first), the others are
   * aborted. Resolves once the kept parts are stored: `paused` when parts remain (the
   * caller then aborts the run), `finishing` when none does (the run goes on to complete).
   * Outside the sending of parts (credentials, Create, Complete) it resolves at once.
   */
  drain(graceMs: number): Promise<DrainOutcome> {
    if (!this.#sendingParts || this.#draining) return Promise.resolve('paused');
    return new Promise((resolve) => {
      this.#draining = { settle: resolve };
      const started = [...this.#flying.entries()].filter(([, part]) => part.started);
      const remaining = started.map(([n, part]) => part.size - this.#progress.loaded(n));
      const keep = new Set(
        partsToKeep(remaining, this.#context.flight.rate, graceMs / 1000).map((i) => started[i]![0]),
      );
      for (const [n, part] of this.#flying) if (!keep.has(n)) part.controller.abort(new LetGo());
    });
  }

  /** Forgets the multipart state so the next run starts over (after NoSuchUpload or a bad size). */
  reset(): void {
    this.#phase = { name: 'idle' };
    this.#progress.clear();
    this.task.resumed = false;
    this.task.verified = undefined;
    this.task.warning = undefined;
    this.task.receipt = undefined;
    this.task.checksum = undefined;
    this.task.completedElsewhere = false;
    void this.#records.forget();
  }

  /** Gives up the fingerprint claim (final states). */
  release(): void {
    this.#records.release();
  }

  /**
   * PutObject of a small object that goes with this file (a thumbnail), on the same
   * credentials, connection budget, retries and signal; `keyOf` gets the user's prefix.
   * Returns the key stored.
   */
  async putBeside(
    keyOf: (prefix: string, key: string) => string,
    body: Blob,
    contentType: string,
    signal: AbortSignal,
  ): Promise<string> {
    const credentials = await this.#credentials(signal);
    const transport = await this.#context.transport();
    const key = keyOf(credentials.response.prefix, this.task.key!);
    const crc = this.#checksumEnabled(credentials) ? crc32ToBase64(await this.#crc(body)) : undefined;
    await putObject(
      this.#scope(transport, signal),
      { bucket: this.#bucket ?? credentials.response.bucket, key },
      {
        body,
        size: body.size,
        contentType,
        ...(crc ? { checksumCRC32: crc } : {}),
        ...(this.#context.options.overwrite ? {} : { ifNoneMatch: true }),
      },
      () => {},
    );
    return key;
  }

  /** Lets other tabs take this file's stored upload (after a failure, or when the uploader goes). */
  releaseTab(): void {
    this.#records.releaseTab();
  }

  /** The bucket and key: the key is chosen once (keyFor or the default) and kept across runs. */
  #target(credentials: Credentials): ObjectTarget {
    const { bucket, prefix } = credentials.response;
    this.task.key ??= this.#keyFor(prefix);
    return { bucket: this.#bucket ?? bucket, key: this.task.key };
  }

  #keyFor(prefix: string): string {
    const keyFor = this.#context.options.keyFor;
    if (!keyFor) return defaultKey(prefix, this.task.id, this.task.name);
    return checkKey(keyFor(this.task.file, { prefix, id: this.task.id }), prefix);
  }

  #scope(transport: S3Transport, signal: AbortSignal, source?: CredentialsSource): OperationScope {
    return {
      env: this.#context.env,
      transport,
      source: source ?? this.#context.source,
      priority: this.priority,
      signal,
      onRetry: () => {
        if (this.task.reconnecting) return;
        this.task.reconnecting = true;
        this.onProgress();
      },
    };
  }

  /**
   * Credentials for the start of a run (`fresh`: new ones, not the cache), retried like a
   * request (passing troubles: 5xx, 429, unreachable) with backoff that a pause ends at once.
   */
  async #credentials(signal: AbortSignal, fresh = false): Promise<Credentials> {
    const { source, env } = this.#context;
    const failure = (error: unknown) => classify(error, 'Getting credentials', this.task.name);
    try {
      return await withRetries(
        env,
        signal,
        () => (fresh ? source.refresh({ refused: true }) : source.get()),
        (error) => failure(error).action === 'retry',
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw failure(error).error;
    }
  }

  /**
   * CRC-32 of a slice of the file: at most one part in memory, only while it is hashed; in a
   * Worker for parts (crc32-offload.ts), so the page's main thread only posts the Blob.
   */
  async #crc(blob: Blob): Promise<number> {
    // Loaded with the first checksum (the Worker's code, hash-wasm inside, ~4 kB gzip), never
    // with the page nor when checksums are off.
    const { crc32OfBlob } = await import('./crc32-offload.js');
    return crc32OfBlob(blob);
  }

  #checksumEnabled(credentials: Credentials): boolean {
    const mode =
      this.#context.options.requestChecksumCalculation ??
      credentials.response.requestChecksumCalculation ??
      'WHEN_SUPPORTED';
    return mode === 'WHEN_SUPPORTED';
  }

  // ---- single PutObject ----

  /** PutObject of the whole file; returns the CRC-32 sent (base64), if checksums are on. */
  async #put(scope: OperationScope, target: ObjectTarget, checksum: boolean): Promise<string | undefined> {
    const file = this.task.file;
    const crc = checksum ? crc32ToBase64(await this.#crc(file)) : undefined;
    await putObject(
      scope,
      target,
      {
        body: file.size === 0 ? new Uint8Array(0) : file.slice(0, file.size),
        size: file.size,
        ...(this.task.type ? { contentType: this.task.type } : {}),
        ...(crc ? { checksumCRC32: crc } : {}),
        ...(this.#context.options.overwrite ? {} : { ifNoneMatch: true }),
      },
      this.#progress.listener(1, file.size),
    );
    return crc;
  }

  // ---- multipart ----

  /** Continues the stored upload of this file when there is one, else creates a new one. */
  async #startMultipart(
    scope: OperationScope,
    credentials: Credentials,
    plan: MultipartPlan,
  ): Promise<MultipartPhase | Extract<Phase, { name: 'stored' }>> {
    const { bucket, prefix } = credentials.response;
    const resumed = await resumeStored(
      this.#records,
      { fingerprint: this.#records.fingerprint, size: this.task.size },
      { bucket, prefix },
      this.#context.options.resumeMaxAge,
      {
        listParts: (upload) => listParts(scope, upload),
        abort: (upload) => this.#discard(scope, upload),
        storedWhole: (upload, stored) =>
          this.#storedWhole(scope.transport, upload, stored.partCount, scope.signal),
      },
      (start, end) => this.#crc(this.task.file.slice(start, end)),
      {
        signal: scope.signal,
        onWait: (waiting) => {
          this.task.waitingForTab = waiting;
          this.onProgress();
        },
      },
    );
    if (resumed && 'storedElsewhere' in resumed) return this.#storedElsewhere(resumed);
    if (resumed) return this.#resume(resumed);
    return this.#create(scope, credentials, plan);
  }

  /** The upload this task resumed was completed by another tab: it succeeds as stored. */
  #storedElsewhere({ upload }: StoredElsewhere): Extract<Phase, { name: 'stored' }> {
    this.task.key = upload.key;
    this.task.resumed = true;
    this.task.completedElsewhere = true;
    return { name: 'stored', target: { bucket: upload.bucket, key: upload.key } };
  }

  #resume(resumed: Resumed): MultipartPhase {
    this.task.key = resumed.upload.key;
    this.task.resumed = true;
    this.#progress.startFrom(resumed.confirmed);
    this.#progress.announce();
    const { upload, plan, checksum, fullObject, parts } = resumed;
    return { name: 'multipart', upload, plan, checksum, fullObject, parts };
  }

  async #create(
    scope: OperationScope,
    credentials: Credentials,
    plan: MultipartPlan,
  ): Promise<MultipartPhase> {
    const target = this.#target(credentials);
    const checksum = this.#checksumEnabled(credentials);
    const uploadId = await createMultipartUpload(scope, target, {
      ...(this.task.type ? { contentType: this.task.type } : {}),
      ...(checksum ? { checksumAlgorithm: 'CRC32' as const, checksumType: 'FULL_OBJECT' as const } : {}),
    });
    this.#progress.startFrom(0);
    await this.#records.persist({
      fingerprint: this.#records.fingerprint,
      bucket: target.bucket,
      key: target.key,
      uploadId,
      partSize: plan.partSize,
      created: Date.now(),
      size: this.task.size,
      ...(checksum ? { checksum: 'CRC32' as const, checksumType: 'FULL_OBJECT' as const } : {}),
    });
    return {
      name: 'multipart',
      upload: { ...target, uploadId },
      plan,
      checksum,
      fullObject: checksum,
      parts: new Map(),
    };
  }

  /**
   * Sends the missing parts, in order, as the flight controller admits them: parts start
   * while the bytes in flight (every file together) stay within `flightTime` of the
   * measured uplink, at most `concurrency` at once. A failed part stops the others.
   */
  async #uploadParts(scope: OperationScope, phase: MultipartPhase): Promise<void> {
    const { signal } = scope;
    const flight = this.#context.flight;
    const pending: number[] = [];
    for (let n = 1; n <= phase.plan.partCount; n++) if (!phase.parts.has(n)) pending.push(n);
    const local = new AbortController();
    const forward = () => local.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let next = 0;
    let failed: { error: unknown } | undefined;
    const worker = async () => {
      while (!local.signal.aborted && !this.#draining && next < pending.length) {
        const partNumber = pending[next++]!;
        const { start, end } = partRange(phase.plan, partNumber);
        const part = { controller: new AbortController(), size: end - start, started: false };
        const stop = () => part.controller.abort(local.signal.reason);
        local.signal.addEventListener('abort', stop, { once: true });
        this.#flying.set(partNumber, part);
        try {
          const release = await flight.admit(part.size, this.priority, part.controller.signal);
          part.started = true;
          try {
            await this.#uploadPart({ ...scope, signal: part.controller.signal }, phase, partNumber);
          } finally {
            release();
          }
        } catch (error) {
          // Let go by a pause that keeps work: the part stays pending for the next run.
          if (part.controller.signal.reason instanceof LetGo && !local.signal.aborted) return;
          failed ??= { error };
          // The others stop; Promise.all below waits for their in-flight requests to settle.
          local.abort(error);
          return;
        } finally {
          this.#flying.delete(partNumber);
          local.signal.removeEventListener('abort', stop);
        }
      }
    };
    const workers = Math.min(this.#context.options.concurrency, pending.length);
    this.#sendingParts = true;
    try {
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      this.#sendingParts = false;
      signal.removeEventListener('abort', forward);
    }
    const draining = this.#draining;
    this.#draining = undefined;
    if (draining && !failed && !signal.aborted) {
      if (phase.parts.size === phase.plan.partCount) {
        // Every part made it within the grace: the upload completes instead of pausing.
        draining.settle('finishing');
      } else {
        // The kept parts are stored: the pause takes effect now (the caller aborts the run).
        const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        draining.settle('paused');
        await aborted;
      }
    } else {
      draining?.settle('paused');
    }
    signal.throwIfAborted();
    if (failed) throw failed.error;
  }

  async #uploadPart(scope: OperationScope, phase: MultipartPhase, partNumber: number): Promise<void> {
    const { start, end } = partRange(phase.plan, partNumber);
    const size = end - start;
    const body = this.task.file.slice(start, end);
    // One part in memory at most, and only to checksum it; the body itself is streamed from the Blob.
    const checksum = phase.checksum ? crc32ToBase64(await this.#crc(body)) : undefined;
    const part = await uploadPart(
      scope,
      phase.upload,
      { partNumber, body, size, ...(checksum ? { checksumCRC32: checksum } : {}) },
      this.#progress.listener(partNumber, size),
    );
    phase.parts.set(partNumber, part);
    this.#progress.confirm(partNumber, size);
  }

  /** CompleteMultipartUpload; returns the full-object CRC-32 sent (base64), if any. */
  async #complete(scope: OperationScope, phase: MultipartPhase): Promise<string | undefined> {
    const { upload } = phase;
    const parts = [...phase.parts.values()];
    const checksum = phase.fullObject ? this.#fullObjectCrc(phase) : undefined;
    try {
      await completeMultipartUpload(
        scope,
        upload,
        parts,
        {
          ...(checksum ? { checksumCRC32: checksum } : {}),
          ...(this.#context.options.overwrite ? {} : { ifNoneMatch: true }),
        },
        () => {
          if (this.#completeSent.uploadId !== upload.uploadId)
            this.#completeSent = { uploadId: upload.uploadId, count: 0 };
          this.#completeSent.count += 1;
        },
      );
    } catch (error) {
      // A Complete sent again after one whose answer was lost (network, stall): S3 may have
      // completed the first and now answers NoSuchUpload. The object then is in the bucket,
      // whole: check before reporting a stored file as failed.
      const resent = this.#completeSent.uploadId === upload.uploadId && this.#completeSent.count > 1;
      if (!(resent && isUploadError(error) && error.code === 'no-such-upload')) throw error;
      if (!(await this.#storedWhole(scope.transport, upload, parts.length, scope.signal))) throw error;
    }
    return checksum;
  }

  /**
   * The whole file's CRC-32 from the part CRCs (crc32_combine: no second read of the file).
   * Every part carries one here: sent ones were hashed, resumed ones were checked against
   * the file's bytes.
   */
  #fullObjectCrc(phase: MultipartPhase): string {
    const parts: { crc: number; size: number }[] = [];
    for (let n = 1; n <= phase.plan.partCount; n++) {
      const listed = phase.parts.get(n)?.ChecksumCRC32;
      const crc = listed === undefined ? undefined : crc32FromBase64(listed);
      if (crc === undefined) throw new Error(`part ${n} has no CRC-32 to combine`);
      const { start, end } = partRange(phase.plan, n);
      parts.push({ crc, size: end - start });
    }
    return crc32ToBase64(fullObjectCrc32(parts));
  }

  // ---- abort ----

  /** A stored upload that cannot be continued: aborted when S3 can be reached, else kept for later. */
  async #discard(scope: OperationScope, upload: MultipartTarget): Promise<void> {
    this.#unaborted.push(upload);
    await this.#abortUnaborted(scope.transport, scope.signal);
  }

  async #abortRemote(): Promise<void> {
    const phase = this.#phase;
    if (phase.name === 'multipart') {
      this.#unaborted.push(phase.upload);
      this.#phase = { name: 'idle' };
    }
    if (this.#unaborted.length > 0) await this.#abortUnaborted(await this.#context.transport());
    await this.#records.forget();
  }

  /**
   * Sends AbortMultipartUpload for each upload in `#unaborted`; those S3 could not be reached
   * for (network, 5xx, or a pause during the backoff) stay for the next attempt. NoSuchUpload
   * means already gone; other refusals (403) cannot be mended by sending again and are left
   * to the bucket's AbortIncompleteMultipartUpload lifecycle rule.
   */
  async #abortUnaborted(transport: S3Transport, signal = new AbortController().signal): Promise<void> {
    const scope = this.#scope(transport, signal);
    for (const upload of this.#unaborted.splice(0)) {
      try {
        await abortMultipartUpload(scope, upload);
      } catch (error) {
        if (isAbort(error) || (isUploadError(error) && (error.code === 'network' || error.code === 'server')))
          this.#unaborted.push(upload);
      }
    }
  }

  // ---- integrity ----

  async #verify(signal: AbortSignal, target: ObjectTarget): Promise<void> {
    if (!this.#context.options.verify) return;
    let length: number | undefined;
    try {
      length = (await this.#headStored(await this.#context.transport(), target, signal)).length;
    } catch (error) {
      if (isUploadError(error) && error.code === 'credentials' && error.status === 403) {
        // The token server does not offer the read scope (its default): S3 accepted every
        // part and the completion, so the object is stored as sent. Failing here would
        // report a stored file as failed; only the extra check is skipped, and said so.
        this.task.verified = false;
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
    if (length === this.task.size) {
      this.task.verified = true;
      return;
    }
    this.reset();
    throw new UploadError(
      'integrity',
      `${target.key} is ${length ?? 'of unknown size'} bytes in the bucket but the file has ${this.task.size}; retry to upload it again.`,
    );
  }

  /**
   * Whether the key holds this file as a multipart object of `partCount` parts (size, and the
   * `-N` suffix of a multipart ETag when S3 gives one), asked with upload credentials, then
   * read ones. False when it cannot tell.
   */
  async #storedWhole(
    transport: S3Transport,
    target: ObjectTarget,
    partCount: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const matches = ({ length, etag }: StoredObject) => {
      if (length !== this.task.size) return false;
      // A multipart ETag ends in "-<parts>": another count means another upload wrote the key.
      const count = etag ? /-(\d+)"?$/.exec(etag)?.[1] : undefined;
      return count === undefined || Number(count) === partCount;
    };
    try {
      return matches(await this.#headStored(transport, target, signal));
    } catch (error) {
      if (isAbort(error)) throw error;
      return false;
    }
  }

  /**
   * HeadObject of the key with the upload credentials, or, when they may not read it
   * (no s3:GetObject, usual for upload scope), with read-scope ones from the endpoint.
   */
  async #headStored(
    transport: S3Transport,
    target: ObjectTarget,
    signal: AbortSignal,
  ): Promise<StoredObject> {
    // The credentials answer lists the actions the session may take: when s3:GetObject is
    // not among them (the upload scope), asking would only earn a 403, shown in red in the
    // browser's console on a successful upload; go to read-scope credentials at once.
    const actions = this.#context.source.current?.response.actions;
    const mayRead = actions === undefined || actions.some((a) => a === 's3:GetObject' || a === 's3:*');
    if (mayRead) {
      try {
        return await headObject(this.#scope(transport, signal), target);
      } catch (error) {
        if (!(isUploadError(error) && error.code === 'access-denied')) throw error;
      }
    }
    const read = await this.#context.readAccess();
    return headObject(this.#scope(read.transport, signal, read.source), target);
  }
}
