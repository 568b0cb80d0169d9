import type { CompletedPart } from '@aws-sdk/client-s3';
import { crc32Base64 } from './crc32.js';
import type { Credentials, CredentialsSource } from './credentials-source.js';
import { isUploadError, UploadError } from './errors.js';
import { classify, isAbort } from './failure.js';
import { checkKey, defaultKey } from './object-key.js';
import type { ResolvedOptions } from './options.js';
import { type RequestEnvironment, type RequestSpec, runRequest } from './request-runner.js';
import { fingerprintOf, isResumeRecord, type ResumeRecord, type ResumeStore } from './resume-store.js';
import type { S3Transport } from './s3-transport.js';
import { SpeedMeter } from './speed-meter.js';
import type { TaskModel } from './task-model.js';
import { partRange, planUpload, planWithPartSize, type UploadPlan } from './upload-plan.js';

/** What a file upload needs from its uploader. */
export interface UploadEngine {
  env: RequestEnvironment;
  options: ResolvedOptions;
  source: CredentialsSource;
  store: ResumeStore | null;
  /** The S3 client for upload credentials, created on first use. */
  transport(): Promise<S3Transport>;
  /** An S3 client on `read`-scope credentials, for HeadObject when upload credentials may not read. */
  readAccess(): Promise<{ transport: S3Transport; source: CredentialsSource }>;
  /** Reserves a fingerprint so two tasks of one file never drive the same UploadId. */
  claim(fingerprint: string): boolean;
  unclaim(fingerprint: string): void;
}

type Multipart = Extract<UploadPlan, { kind: 'multipart' }>;
type ListedPart = { PartNumber?: number; ETag?: string; Size?: number; ChecksumCRC32?: string };

/**
 * One file's upload: PutObject or multipart, resumable from memory (pause) and from the
 * resume store (reload), with byte progress, part retries and a size check at the end.
 * Pause and cancel abort the signal given to `run()`; the multipart state survives it.
 */
export class FileUpload {
  readonly task: TaskModel;
  readonly priority: number;
  readonly #engine: UploadEngine;
  readonly #fingerprint: string;
  readonly #meter = new SpeedMeter();
  #claimed = false;
  #plan: Multipart | undefined;
  #bucket: string | undefined;
  #uploadId: string | undefined;
  #checksum = false;
  #parts = new Map<number, CompletedPart>();
  #confirmed = 0;
  #lastActual = 0;
  readonly #inflight = new Map<number, number>();
  #abortPromise: Promise<void> | undefined;
  /**
   * Multipart uploads whose abort could not reach S3 (network error or 5xx after every retry:
   * the server was down). Their UploadIds are kept and the abort is sent again before the next
   * run (retry) and by the next cancel or remove, instead of leaving their parts to a
   * lifecycle rule.
   */
  readonly #unaborted: { bucket: string; key: string; uploadId: string }[] = [];
  /** CompleteMultipartUpload succeeded: only the check remains (a pause there must not restart). */
  #completed = false;
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

  constructor(engine: UploadEngine, task: TaskModel, priority: number) {
    this.#engine = engine;
    this.task = task;
    this.priority = priority;
    this.#fingerprint = fingerprintOf(task.file);
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
    this.#meter.reset();
    const credentials = await this.#credentials(signal, freshCredentials);
    const transport = await this.#engine.transport();
    const { bucket, prefix } = credentials.response;
    this.#bucket ??= bucket;
    if (this.#unaborted.length > 0) await this.#abortUnaborted(transport);
    const plan = planUpload(
      this.task.size,
      this.#engine.options.partSize,
      this.#engine.options.multipartThreshold,
    );
    if (this.#completed) {
      // Paused or failed after completion: the object is in place, only the check remains.
    } else if (plan.kind === 'put' && !this.#uploadId) {
      this.task.key ??= this.#keyFor(prefix);
      await this.#put(transport, credentials, signal);
    } else {
      if (!this.#uploadId) {
        const resumed = await this.#resumeFromStore(transport, credentials, signal);
        if (!resumed) await this.#create(transport, credentials, plan as Multipart, signal);
      }
      await this.#uploadParts(transport, signal);
      await this.#complete(transport, signal);
    }
    this.#completed = true;
    await this.#forget();
    await this.#verify(transport, signal);
    this.#settleProgress(this.task.size);
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
    this.#inflight.clear();
    this.#meter.reset();
    this.task.speed = 0;
    this.task.eta = null;
  }

  /** Forgets the multipart state so the next run starts over (after NoSuchUpload or a bad size). */
  reset(): void {
    this.#completed = false;
    this.#uploadId = undefined;
    this.#plan = undefined;
    this.#parts.clear();
    this.#confirmed = 0;
    this.#lastActual = 0;
    this.#inflight.clear();
    this.task.bytesUploaded = 0;
    this.task.resumed = false;
    this.task.verified = undefined;
    void this.#forget();
  }

  /** Gives up the fingerprint claim (final states). */
  release(): void {
    if (this.#claimed) this.#engine.unclaim(this.#fingerprint);
    this.#claimed = false;
  }

  #keyFor(prefix: string): string {
    const keyFor = this.#engine.options.keyFor;
    if (!keyFor) return defaultKey(prefix, this.task.id, this.task.name);
    return checkKey(keyFor(this.task.file, { prefix, id: this.task.id }), prefix);
  }

  #request<T>(
    transport: S3Transport,
    signal: AbortSignal,
    spec: Omit<RequestSpec<T>, 'transport' | 'source' | 'priority' | 'signal' | 'key'>,
  ): Promise<T> {
    return runRequest(this.#engine.env, {
      ...spec,
      transport,
      source: this.#engine.source,
      priority: this.priority,
      signal,
      key: this.task.key ?? this.task.name,
    });
  }

  /** Credentials for the start of a run (`fresh`: new ones, not the cache), with the same retries as a request. */
  async #credentials(signal: AbortSignal, fresh = false): Promise<Credentials> {
    const { env } = this.#engine;
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await (fresh ? this.#engine.source.refresh({ refused: true }) : this.#engine.source.get());
      } catch (error) {
        const failure = classify(error, 'Getting credentials', this.task.name);
        if (failure.action !== 'retry' || attempt >= env.retries) throw failure.error;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(env.maxDelay, env.baseDelay * 2 ** attempt)),
        );
      }
    }
  }

  // ---- progress ----

  #report(): void {
    let actual = this.#confirmed;
    for (const loaded of this.#inflight.values()) actual += loaded;
    if (actual > this.#lastActual) this.#meter.add(actual - this.#lastActual);
    this.#lastActual = actual;
    // Monotonic: bytes of a failed attempt leave `actual`, but the figure shown holds until
    // the retry passes it again; it never exceeds the size.
    const shown = Math.min(this.task.size, Math.max(this.task.bytesUploaded, actual));
    const changed = shown !== this.task.bytesUploaded;
    this.task.bytesUploaded = shown;
    this.task.speed = this.#meter.speed;
    this.task.eta = this.task.speed > 0 ? Math.max(0, this.task.size - actual) / this.task.speed : null;
    if (changed) this.onProgress();
  }

  #settleProgress(bytes: number): void {
    this.#inflight.clear();
    this.#confirmed = bytes;
    this.#report();
    this.task.speed = 0;
    this.task.eta = 0;
  }

  #partProgress(partNumber: number, size: number) {
    return (loaded: number) => {
      if (loaded === 0) this.#inflight.delete(partNumber);
      else this.#inflight.set(partNumber, Math.min(loaded, size));
      this.#report();
    };
  }

  // ---- single PutObject ----

  async #put(transport: S3Transport, credentials: Credentials, signal: AbortSignal): Promise<void> {
    const { sdk, client } = transport;
    const file = this.task.file;
    const checksum = this.#checksumEnabled(credentials)
      ? crc32Base64(new Uint8Array(await file.arrayBuffer()))
      : undefined;
    const key = this.task.key!;
    await this.#request(transport, signal, {
      operation: 'PutObject',
      abortable: true,
      onProgress: this.#partProgress(1, file.size),
      send: (abortSignal) =>
        client.send(
          new sdk.PutObjectCommand({
            Bucket: this.#bucket,
            Key: key,
            Body: file.size === 0 ? new Uint8Array(0) : file.slice(0, file.size),
            ContentLength: file.size,
            ...(this.task.type ? { ContentType: this.task.type } : {}),
            ...(checksum ? { ChecksumCRC32: checksum } : {}),
          }),
          { abortSignal },
        ),
    });
  }

  #checksumEnabled(credentials: Credentials): boolean {
    const mode =
      this.#engine.options.requestChecksumCalculation ??
      credentials.response.requestChecksumCalculation ??
      'WHEN_SUPPORTED';
    return mode === 'WHEN_SUPPORTED';
  }

  // ---- multipart ----

  async #create(
    transport: S3Transport,
    credentials: Credentials,
    plan: Multipart,
    signal: AbortSignal,
  ): Promise<void> {
    const { sdk, client } = transport;
    this.task.key ??= this.#keyFor(credentials.response.prefix);
    const key = this.task.key;
    this.#checksum = this.#checksumEnabled(credentials);
    const created = await this.#request(transport, signal, {
      operation: 'CreateMultipartUpload',
      abortable: false,
      send: (abortSignal) =>
        client.send(
          new sdk.CreateMultipartUploadCommand({
            Bucket: this.#bucket,
            Key: key,
            ...(this.task.type ? { ContentType: this.task.type } : {}),
            ...(this.#checksum ? { ChecksumAlgorithm: 'CRC32' } : {}),
          }),
          { abortSignal },
        ),
    });
    if (!created.UploadId) {
      throw new UploadError('server', `CreateMultipartUpload of ${key} answered without an UploadId.`);
    }
    this.#uploadId = created.UploadId;
    this.#plan = plan;
    this.#parts.clear();
    this.#confirmed = 0;
    await this.#persist({
      fingerprint: this.#fingerprint,
      bucket: this.#bucket!,
      key,
      uploadId: created.UploadId,
      partSize: plan.partSize,
      created: Date.now(),
      size: this.task.size,
      ...(this.#checksum ? { checksum: 'CRC32' as const } : {}),
    });
  }

  async #uploadParts(transport: S3Transport, signal: AbortSignal): Promise<void> {
    const plan = this.#plan!;
    const pending: number[] = [];
    for (let n = 1; n <= plan.partCount; n++) if (!this.#parts.has(n)) pending.push(n);
    const local = new AbortController();
    const forward = () => local.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let next = 0;
    let failed: { error: unknown } | undefined;
    const worker = async () => {
      while (!local.signal.aborted && next < pending.length) {
        const partNumber = pending[next++]!;
        try {
          await this.#uploadPart(transport, plan, partNumber, local.signal);
        } catch (error) {
          failed ??= { error };
          // The others stop; Promise.all below waits for their in-flight requests to settle.
          local.abort(error);
          return;
        }
      }
    };
    const workers = Math.min(this.#engine.options.concurrency, pending.length);
    try {
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      signal.removeEventListener('abort', forward);
    }
    signal.throwIfAborted();
    if (failed) throw failed.error;
  }

  async #uploadPart(
    transport: S3Transport,
    plan: Multipart,
    partNumber: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { sdk, client } = transport;
    const { start, end } = partRange(plan, partNumber);
    const size = end - start;
    const body = this.task.file.slice(start, end);
    // One part in memory at most, and only to checksum it; the body itself is streamed from the Blob.
    const checksum = this.#checksum ? crc32Base64(new Uint8Array(await body.arrayBuffer())) : undefined;
    const key = this.task.key!;
    const uploadId = this.#uploadId!;
    const out = await this.#request(transport, signal, {
      operation: `UploadPart ${partNumber}`,
      abortable: true,
      onProgress: this.#partProgress(partNumber, size),
      send: (abortSignal) =>
        client.send(
          new sdk.UploadPartCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: size,
            ...(checksum ? { ChecksumCRC32: checksum } : {}),
          }),
          { abortSignal },
        ),
    });
    this.#inflight.delete(partNumber);
    if (!out.ETag) {
      throw new UploadError(
        'cors-etag',
        `UploadPart ${partNumber} of ${key} succeeded but its ETag was not readable: the bucket CORS must expose the ETag header (ExposeHeaders: ["ETag"]), or multipart uploads cannot complete.`,
      );
    }
    this.#parts.set(partNumber, {
      PartNumber: partNumber,
      ETag: out.ETag,
      ...(checksum ? { ChecksumCRC32: checksum } : {}),
    });
    this.#confirmed += size;
    this.#report();
  }

  async #complete(transport: S3Transport, signal: AbortSignal): Promise<void> {
    const { sdk, client } = transport;
    const key = this.task.key!;
    const uploadId = this.#uploadId!;
    const parts = [...this.#parts.values()].sort((a, b) => a.PartNumber! - b.PartNumber!);
    try {
      await this.#request(transport, signal, {
        operation: 'CompleteMultipartUpload',
        abortable: false,
        // S3 may take minutes to assemble thousands of parts.
        stallFactor: 10,
        send: (abortSignal) => {
          if (this.#completeSent.uploadId !== uploadId) this.#completeSent = { uploadId, count: 0 };
          this.#completeSent.count += 1;
          return client.send(
            new sdk.CompleteMultipartUploadCommand({
              Bucket: this.#bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
            { abortSignal },
          );
        },
      });
    } catch (error) {
      // A Complete sent again after one whose answer was lost (network, stall): S3 may have
      // completed the first and now answers NoSuchUpload. The object then is in the bucket,
      // whole: check before reporting a stored file as failed.
      const resent = this.#completeSent.uploadId === uploadId && this.#completeSent.count > 1;
      if (!(resent && isUploadError(error) && error.code === 'aborted')) throw error;
      if (!(await this.#storedWhole(transport, parts.length, signal))) throw error;
    }
    // The ETag it returns is not checked: Ceph RGW leaves it empty. HeadObject checks instead.
    this.#uploadId = undefined;
    this.#parts.clear();
  }

  // ---- resume ----

  async #resumeFromStore(
    transport: S3Transport,
    credentials: Credentials,
    signal: AbortSignal,
  ): Promise<boolean> {
    const store = this.#engine.store;
    if (!store) return false;
    if (!this.#claimed) {
      if (!this.#engine.claim(this.#fingerprint)) return false;
      this.#claimed = true;
    }
    let raw: unknown;
    try {
      raw = await store.get(this.#fingerprint);
    } catch {
      return false; // a broken store costs resume, never the upload
    }
    if (raw === undefined || raw === null) return false;
    const { bucket, prefix } = credentials.response;
    if (
      !isResumeRecord(raw) ||
      raw.fingerprint !== this.#fingerprint ||
      (raw.size !== undefined && raw.size !== this.task.size)
    ) {
      await this.#discard(transport, raw, bucket, prefix);
      return false;
    }
    // Another user's record (shared computer): not ours to continue, and not ours to abort.
    if (raw.bucket !== bucket || !raw.key.startsWith(prefix)) {
      await this.#forget();
      return false;
    }
    const plan = planWithPartSize(this.task.size, raw.partSize);
    if (!plan || Date.now() - raw.created > this.#engine.options.resumeMaxAge) {
      await this.#discard(transport, raw, bucket, prefix);
      return false;
    }
    this.task.key = raw.key;
    let listed: ListedPart[];
    try {
      listed = await this.#listParts(transport, raw, signal);
    } catch (error) {
      if (isAbort(error)) throw error;
      // NoSuchUpload (aborted, expired) or not allowed to list: start over, cleaning up what we can.
      this.task.key = undefined;
      if (!(isUploadError(error) && error.code === 'aborted'))
        await this.#discard(transport, raw, bucket, prefix);
      else await this.#forget();
      return false;
    }
    this.#plan = plan;
    this.#uploadId = raw.uploadId;
    this.#checksum = raw.checksum === 'CRC32';
    this.#parts.clear();
    this.#confirmed = 0;
    for (const part of listed) {
      const n = part.PartNumber;
      if (n === undefined || n < 1 || n > plan.partCount || !part.ETag) continue;
      const { start, end } = partRange(plan, n);
      // A part of the wrong size (another part size, a changed file) is uploaded again: same number, replaced.
      if (part.Size !== end - start) continue;
      if (this.#checksum && !part.ChecksumCRC32) continue;
      this.#parts.set(n, {
        PartNumber: n,
        ETag: part.ETag,
        ...(part.ChecksumCRC32 ? { ChecksumCRC32: part.ChecksumCRC32 } : {}),
      });
      this.#confirmed += end - start;
    }
    this.task.resumed = true;
    this.#lastActual = this.#confirmed;
    this.task.bytesUploaded = Math.max(this.task.bytesUploaded, this.#confirmed);
    this.onProgress();
    return true;
  }

  /** Every part of the upload, following ListParts pages (at most 1000 parts each). */
  async #listParts(transport: S3Transport, record: ResumeRecord, signal: AbortSignal): Promise<ListedPart[]> {
    const { sdk, client } = transport;
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.#request(transport, signal, {
        operation: 'ListParts',
        abortable: true,
        send: (abortSignal) =>
          client.send(
            new sdk.ListPartsCommand({
              Bucket: record.bucket,
              Key: record.key,
              UploadId: record.uploadId,
              ...(marker ? { PartNumberMarker: marker } : {}),
            }),
            { abortSignal },
          ),
      });
      parts.push(...(page.Parts ?? []));
      if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker)
        return parts;
      marker = page.NextPartNumberMarker;
    }
  }

  /** A record that cannot be resumed: abort its upload when it lies in our prefix, then forget it. */
  async #discard(transport: S3Transport, raw: unknown, bucket: string, prefix: string): Promise<void> {
    const r = raw as Partial<ResumeRecord> | null;
    if (
      r &&
      typeof r.uploadId === 'string' &&
      typeof r.key === 'string' &&
      r.bucket === bucket &&
      r.key.startsWith(prefix)
    ) {
      try {
        await transport.client.send(
          new transport.sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: r.key, UploadId: r.uploadId }),
        );
      } catch {
        // Best effort: the bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
      }
    }
    await this.#forget();
  }

  async #persist(record: ResumeRecord): Promise<void> {
    const store = this.#engine.store;
    if (!store) return;
    if (!this.#claimed) {
      if (!this.#engine.claim(this.#fingerprint)) return;
      this.#claimed = true;
    }
    try {
      await store.set(record);
    } catch {
      // Losing resume is better than failing the upload (private mode, quota).
    }
  }

  async #forget(): Promise<void> {
    const store = this.#engine.store;
    if (!store || !this.#claimed) return;
    try {
      await store.delete(this.#fingerprint);
    } catch {
      // Same as above: the record goes stale and is discarded on the next add.
    }
  }

  async #abortRemote(): Promise<void> {
    const uploadId = this.#uploadId;
    const key = this.task.key;
    if (uploadId && key && this.#bucket) this.#unaborted.push({ bucket: this.#bucket, key, uploadId });
    if (this.#unaborted.length > 0) await this.#abortUnaborted(await this.#engine.transport());
    this.#uploadId = undefined;
    this.#parts.clear();
    await this.#forget();
  }

  /**
   * Sends AbortMultipartUpload for each upload in `#unaborted`; those S3 could not be reached
   * for (network, 5xx) stay for the next attempt. NoSuchUpload means already gone; other
   * refusals (403) cannot be mended by sending again and are left to the lifecycle rule.
   */
  async #abortUnaborted(transport: S3Transport): Promise<void> {
    const { sdk, client } = transport;
    for (const upload of this.#unaborted.splice(0)) {
      try {
        await this.#request(transport, new AbortController().signal, {
          operation: 'AbortMultipartUpload',
          abortable: false,
          send: (abortSignal) =>
            client.send(
              new sdk.AbortMultipartUploadCommand({
                Bucket: upload.bucket,
                Key: upload.key,
                UploadId: upload.uploadId,
              }),
              { abortSignal },
            ),
        });
      } catch (error) {
        if (isUploadError(error) && (error.code === 'network' || error.code === 'server'))
          this.#unaborted.push(upload);
      }
    }
  }

  // ---- integrity ----

  async #verify(transport: S3Transport, signal: AbortSignal): Promise<void> {
    if (!this.#engine.options.verify) return;
    const key = this.task.key!;
    let length: number | undefined;
    try {
      length = (await this.#headStored(transport, signal)).length;
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
          `Stored ${key} but could not check its size: HeadObject needs s3:GetObject on the key (with upload or "read" scope credentials). Allow it, or set verify: false.`,
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
      `${key} is ${length ?? 'of unknown size'} bytes in the bucket but the file has ${this.task.size}; retry to upload it again.`,
    );
  }

  /**
   * Whether the key holds this file as a multipart object of `partCount` parts (size, and the
   * `-N` suffix of a multipart ETag when S3 gives one), asked with upload credentials, then
   * read ones. False when it cannot tell.
   */
  async #storedWhole(transport: S3Transport, partCount: number, signal: AbortSignal): Promise<boolean> {
    const matches = ({ length, etag }: { length: number | undefined; etag: string | undefined }) => {
      if (length !== this.task.size) return false;
      // A multipart ETag ends in "-<parts>": another count means another upload wrote the key.
      const count = etag ? /-(\d+)"?$/.exec(etag)?.[1] : undefined;
      return count === undefined || Number(count) === partCount;
    };
    try {
      return matches(await this.#headStored(transport, signal));
    } catch (error) {
      if (isAbort(error)) throw error;
      return false;
    }
  }

  /**
   * HeadObject of the task's key with the upload credentials, or, when they may not read it
   * (no s3:GetObject, usual for upload scope), with read-scope ones from the endpoint.
   */
  async #headStored(
    transport: S3Transport,
    signal: AbortSignal,
  ): Promise<{ length: number | undefined; etag: string | undefined }> {
    try {
      return await this.#headObject(transport, this.#engine.source, signal);
    } catch (error) {
      if (!(isUploadError(error) && error.code === 'access-denied')) throw error;
    }
    const read = await this.#engine.readAccess();
    return this.#headObject(read.transport, read.source, signal);
  }

  async #headObject(
    transport: S3Transport,
    source: CredentialsSource,
    signal: AbortSignal,
  ): Promise<{ length: number | undefined; etag: string | undefined }> {
    const { sdk, client } = transport;
    const head = await runRequest(this.#engine.env, {
      operation: 'HeadObject',
      key: this.task.key!,
      transport,
      source,
      priority: this.priority,
      signal,
      abortable: true,
      send: (abortSignal) =>
        client.send(new sdk.HeadObjectCommand({ Bucket: this.#bucket, Key: this.task.key }), { abortSignal }),
    });
    return { length: head.ContentLength, etag: head.ETag };
  }
}
