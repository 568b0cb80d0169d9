import type { ChecksumAlgorithm } from './checksum-algorithm.js';
import { checksumAlgorithmFor, checksumBase64Of } from './checksum-policy.js';
import { restartsAfter } from './conflict-restart.js';
import type { Credentials, CredentialsSource } from './credentials-source.js';
import { isUploadError, UploadError } from './errors.js';
import { isAbort } from './failure.js';
import { objectHeaders } from './file-metadata.js';
import { MultipartCompletion } from './multipart-complete.js';
import { type StartingUpload, startMultipart } from './multipart-start.js';
import { checkKey, defaultKey } from './object-key.js';
import { type DrainOutcome, PartsInFlight } from './parts-in-flight.js';
import { RemoteAbort } from './remote-abort.js';
import { type MultipartPlan, ResumeRecords } from './resume.js';
import { fingerprintOf } from './resume-store.js';
import { RunCredentials } from './run-credentials.js';
import {
  type MultipartTarget,
  type ObjectTarget,
  type OperationScope,
  putObject,
  type SentChecksum,
  uploadPart,
} from './s3-operations.js';
import type { S3Transport } from './s3-transport.js';
import { StoredCheck } from './stored-check.js';
import type { TaskModel } from './task-model.js';
import type { UploadContext } from './upload-context.js';
import type { MultipartPhase, Phase } from './upload-phase.js';
import { partRange, planUpload } from './upload-plan.js';
import { UploadProgress } from './upload-progress.js';

export type { DrainOutcome } from './parts-in-flight.js';

/**
 * One file's upload: PutObject or multipart, resumable from memory (pause) and from the
 * resume store (reload), with byte progress, part retries and a size check at the end.
 * Pause and cancel abort the signal given to `run()`; the multipart state (its phase, in
 * `upload-phase.ts`) survives it. Starting a multipart upload (resume or create) is in
 * `multipart-start.ts`, Complete in `multipart-complete.ts`, the S3 requests in
 * `s3-operations.ts`, the resume record and the cross-tab claim in `resume.ts`, the byte count in `upload-progress.ts`, the sending of parts and the pause
 * that keeps work in `parts-in-flight.ts`, the checksums in `checksum-policy.ts`, the
 * checks after the store in `stored-check.ts`, the aborts on S3 in `remote-abort.ts`,
 * the restart after a conflict in `conflict-restart.ts`, the credentials of a run in
 * `run-credentials.ts`; this class keeps the order of things.
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
  /** Multipart uploads to abort on S3, kept until S3 could be told. */
  readonly #unaborted = new RemoteAbort();
  readonly #parts: PartsInFlight;
  readonly #check: StoredCheck;
  readonly #completion: MultipartCompletion;
  /** What multipart-start.ts reads and changes of this upload. */
  readonly #starting: StartingUpload;
  readonly #credentials: RunCredentials;
  /** A pause let go of the file's Web Lock while this upload held its stored upload: the next run claims it again. */
  #handedOver = false;
  /** Called after each progress change. */
  onProgress: () => void = () => {};

  constructor(context: UploadContext, task: TaskModel, priority: number) {
    this.#context = context;
    this.task = task;
    this.priority = priority;
    this.#records = new ResumeRecords(context, fingerprintOf(task.file));
    this.#credentials = new RunCredentials(context, task);
    this.#progress = new UploadProgress(
      task,
      () => this.onProgress(),
      (bytes) => context.flight.sent(bytes),
    );
    this.#parts = new PartsInFlight(context.flight, priority, (n) => this.#progress.loaded(n));
    this.#check = new StoredCheck(context, task, (transport, signal, source) =>
      this.#scope(transport, signal, source),
    );
    this.#completion = new MultipartCompletion(this.#check, context.options.overwrite);
    this.#starting = {
      context,
      task,
      records: this.#records,
      progress: this.#progress,
      check: this.#check,
      target: (credentials) => this.#target(credentials),
      discard: (scope, upload) => this.#discard(scope, upload),
      onProgress: () => this.onProgress(),
    };
  }

  /** Uploads until success; throws an UploadError, or the signal's reason when paused or cancelled. */
  run(signal: AbortSignal): Promise<void> {
    return this.#credentials.run((fresh) => this.#run(signal, fresh));
  }

  async #run(signal: AbortSignal, freshCredentials: boolean): Promise<void> {
    this.#progress.restartMeter();
    // Paused after completion: the object is in place, only the check remains (it needs no
    // upload credentials, so their failure cannot fail a stored file).
    if (this.#phase.name === 'stored') return this.#finish(this.#phase.target, signal);
    // A new upload's part size comes from the uplink measured now (flight-controller.ts); a
    // resumed one keeps the size in its record.
    const plan = planUpload(
      this.task.size,
      this.#context.flight.partSize(),
      this.#context.options.multipartThreshold,
      this.#context.options.maxObjectSize,
    );
    // Started beside the credentials request, not after it (issue 21, first byte): the resume
    // record's lookup needs nothing the credentials bring. It goes only where a new multipart
    // upload may continue a stored one, and never rejects (a broken store costs resume, not
    // the upload). The S3 client waits for the credentials: their answer names its endpoint.
    const lookup =
      plan.kind === 'multipart' && this.#phase.name === 'idle' ? this.#records.read() : undefined;
    const credentials = await this.#credentials.get(signal, freshCredentials);
    const transport = await this.#context.transport();
    const scope = this.#scope(transport, signal);
    this.#bucket ??= credentials.response.bucket;
    if (this.#unaborted.pending > 0) await this.#abortUnaborted(transport);
    let target: ObjectTarget;
    let checksum: SentChecksum | undefined;
    for (let restarts = 0; ; restarts++) {
      let phase: Phase = this.#phase;
      try {
        if (plan.kind === 'put' && phase.name === 'idle') {
          target = this.#target(credentials);
          checksum = await this.#put(scope, target, checksumAlgorithmFor(this.#context.options, credentials));
        } else {
          if (phase.name === 'idle' || (phase.name === 'multipart' && this.#handedOver)) {
            const held = phase.name === 'multipart' ? phase : undefined;
            // The early lookup holds the record as it was before Create could write one: only
            // the first attempt uses it (a conflict restart reads again).
            const first = restarts === 0 ? lookup : undefined;
            phase = await startMultipart(
              this.#starting,
              scope,
              credentials,
              plan as MultipartPlan,
              held,
              first,
            );
            this.#phase = phase;
            this.#handedOver = false;
          }
          // Another tab completed the stored upload while this one waited: nothing to send.
          if (phase.name === 'stored') {
            target = phase.target;
            break;
          }
          if (phase.name !== 'multipart')
            throw new Error(`unexpected phase ${(phase as { name: string }).name}`);
          await this.#uploadParts(scope, phase);
          checksum = await this.#completion.complete(scope, phase);
          target = { bucket: phase.upload.bucket, key: phase.upload.key };
        }
        break;
      } catch (error) {
        // A conditional write raced another write of the key (409): upload again.
        if (!restartsAfter(error, restarts)) throw error;
        if (phase.name === 'multipart') this.#unaborted.add(phase.upload);
        this.#phase = { name: 'idle' };
        this.#progress.clear();
        await this.#abortUnaborted(transport, signal);
      }
    }
    this.#phase = { name: 'stored', target };
    if (checksum) this.task.checksum = { ...checksum, type: 'FULL_OBJECT' };
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
      await this.#check.verify(signal, target, () => this.reset());
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
    return this.#parts.drain(graceMs);
  }

  /** Forgets the multipart state so the next run starts over (after NoSuchUpload or a bad size). */
  reset(): void {
    this.#phase = { name: 'idle' };
    this.#handedOver = false;
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

  /** The file's metadata and name, sent where the object is created (file-metadata.ts). */
  #headers() {
    return objectHeaders(this.task.name, this.task.metadata, this.#context.options.contentDisposition);
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
    const credentials = await this.#credentials.get(signal);
    const transport = await this.#context.transport();
    const key = keyOf(credentials.response.prefix, this.task.key!);
    const algorithm = checksumAlgorithmFor(this.#context.options, credentials);
    const checksum = algorithm ? { algorithm, value: await checksumBase64Of(body, algorithm) } : undefined;
    await putObject(
      this.#scope(transport, signal),
      { bucket: this.#bucket ?? credentials.response.bucket, key },
      {
        body,
        size: body.size,
        contentType,
        ...(checksum ? { checksum } : {}),
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

  /**
   * A pause has settled (no request of the run is in flight): another tab waiting for this
   * file may take its stored upload over. The parts stay in memory; the next run claims
   * the record again (resume.ts): it waits while the other tab drives, reports the file
   * stored when that tab completed it, else lists the parts and goes on.
   */
  handOver(): void {
    if (this.#records.releaseTab() && this.#phase.name === 'multipart') this.#handedOver = true;
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

  // ---- single PutObject ----

  /** PutObject of the whole file; returns the checksum sent, if checksums are on. */
  async #put(
    scope: OperationScope,
    target: ObjectTarget,
    algorithm: ChecksumAlgorithm | undefined,
  ): Promise<SentChecksum | undefined> {
    const file = this.task.file;
    const checksum = algorithm ? { algorithm, value: await checksumBase64Of(file, algorithm) } : undefined;
    await putObject(
      scope,
      target,
      {
        body: file.size === 0 ? new Uint8Array(0) : file.slice(0, file.size),
        size: file.size,
        ...(this.task.type ? { contentType: this.task.type } : {}),
        ...(checksum ? { checksum } : {}),
        ...(this.#context.options.overwrite ? {} : { ifNoneMatch: true }),
        ...this.#headers(),
      },
      this.#progress.listener(1, file.size),
    );
    return checksum;
  }

  // ---- multipart ----

  /** Sends the missing parts (parts-in-flight.ts); a failed part stops the others. */
  #uploadParts(scope: OperationScope, phase: MultipartPhase): Promise<void> {
    return this.#parts.send(phase.plan, phase.parts, this.#context.options.concurrency, scope.signal, {
      // The part's checksum, before it takes a place in flight (parts-in-flight.ts). Read
      // into memory only while hashed, in a Worker; the body itself streams from the Blob.
      prepare: async (n): Promise<SentChecksum | undefined> => {
        const algorithm = phase.checksum;
        if (!algorithm) return undefined;
        const { start, end } = partRange(phase.plan, n);
        return { algorithm, value: await checksumBase64Of(this.task.file.slice(start, end), algorithm) };
      },
      send: (n, checksum, signal) => this.#uploadPart({ ...scope, signal }, phase, n, checksum),
    });
  }

  async #uploadPart(
    scope: OperationScope,
    phase: MultipartPhase,
    partNumber: number,
    checksum: SentChecksum | undefined,
  ): Promise<void> {
    const { start, end } = partRange(phase.plan, partNumber);
    const size = end - start;
    const body = this.task.file.slice(start, end);
    const part = await uploadPart(
      scope,
      phase.upload,
      { partNumber, body, size, ...(checksum ? { checksum } : {}) },
      this.#progress.listener(partNumber, size),
    );
    phase.parts.set(partNumber, part);
    this.#progress.confirm(partNumber, size);
  }

  // ---- abort ----

  /** A stored upload that cannot be continued: aborted when S3 can be reached, else kept for later. */
  async #discard(scope: OperationScope, upload: MultipartTarget): Promise<void> {
    this.#unaborted.add(upload);
    await this.#abortUnaborted(scope.transport, scope.signal);
  }

  async #abortRemote(): Promise<void> {
    const phase = this.#phase;
    // Let go of on pause: another tab may have taken the upload over (it drives or completed it:
    // neither is this task's to abort, nor its record to forget).
    const ours =
      !this.#handedOver ||
      phase.name !== 'multipart' ||
      (await this.#records.stillOurs(phase.upload.uploadId));
    this.#handedOver = false;
    if (phase.name === 'multipart') {
      if (ours) this.#unaborted.add(phase.upload);
      this.#phase = { name: 'idle' };
    }
    if (this.#unaborted.pending > 0) await this.#abortUnaborted(await this.#context.transport());
    if (ours) await this.#records.forget();
  }

  /** Sends the pending aborts (remote-abort.ts); by default on no signal: a cancel must reach S3. */
  #abortUnaborted(transport: S3Transport, signal = new AbortController().signal): Promise<void> {
    return this.#unaborted.send(this.#scope(transport, signal));
  }
}
