import type { CompletedPart } from '@aws-sdk/client-s3';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumField } from './checksum-algorithm.js';
import type { CredentialsSource } from './credentials-source.js';
import { UploadError } from './errors.js';
import { type RequestEnvironment, runRequest } from './request-runner.js';
import type { ProgressListener, S3Transport } from './s3-transport.js';

/**
 * Who sends and under which rules: the uploader's request environment (connection budget,
 * connectivity, retries), an S3 client with its credentials source, the task's priority in
 * the budget and the signal that pause and cancel abort.
 */
export interface OperationScope {
  env: RequestEnvironment;
  transport: S3Transport;
  source: CredentialsSource;
  priority: number;
  signal: AbortSignal;
  /** Told about each failure that will be retried (the task shows "reconnecting"). */
  onRetry?: (error: UploadError) => void;
}

/** An object: where it goes. */
export interface ObjectTarget {
  bucket: string;
  key: string;
}

/** A multipart upload in progress. */
export interface MultipartTarget extends ObjectTarget {
  uploadId: string;
}

/** A part as ListParts reports it. */
export type ListedPart = {
  PartNumber?: number;
  ETag?: string;
  Size?: number;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
};

/** A checksum to send: the algorithm and its base64 value (`x-amz-checksum-<algorithm>`). */
export interface SentChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
}

function checksumHeader(
  checksum: SentChecksum | undefined,
): Partial<Record<ReturnType<typeof checksumField>, string>> {
  return checksum ? { [checksumField(checksum.algorithm)]: checksum.value } : {};
}

interface Send<T> {
  operation: string;
  key: string;
  abortable: boolean;
  stallFactor?: number;
  onProgress?: ProgressListener;
  send: (transport: S3Transport, signal: AbortSignal) => Promise<T>;
}

/**
 * `If-None-Match: *` on the operations that create the object: when the caller asked
 * (`overwrite: false`), or when the session's credentials say write-once is the rule
 * (`writeOnce: true`, the token server's option; its policy refuses the request without it).
 * Read at send time, so a session issued mid-upload is obeyed too.
 */
function createOnly(scope: OperationScope, asked: boolean | undefined): boolean {
  return asked === true || scope.source.current?.response.writeOnce === true;
}

function run<T>(scope: OperationScope, spec: Send<T>): Promise<T> {
  const { transport } = scope;
  return runRequest(scope.env, {
    operation: spec.operation,
    key: spec.key,
    transport,
    source: scope.source,
    priority: scope.priority,
    signal: scope.signal,
    abortable: spec.abortable,
    ...(scope.onRetry ? { onRetry: scope.onRetry } : {}),
    ...(spec.stallFactor ? { stallFactor: spec.stallFactor } : {}),
    ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
    send: (abortSignal) => spec.send(transport, abortSignal),
  });
}

// Every S3 request the engine makes is one of the functions below, and each goes through the
// request runner: the connection budget, the stall watchdog, retries with backoff, the
// ExpiredToken refresh and the task's signal. This is the only module that builds SDK commands.

/** PutObject of the whole body, with byte progress. */
export async function putObject(
  scope: OperationScope,
  target: ObjectTarget,
  input: {
    body: Blob | Uint8Array;
    size: number;
    contentType?: string;
    /** The whole body's checksum, which S3 verifies. */
    checksum?: SentChecksum;
    /** Write-once: `If-None-Match: *` (S3 answers 412 when the key exists). */
    ifNoneMatch?: boolean;
    /** `x-amz-meta-*`, values already encoded (file-metadata.ts). */
    metadata?: Record<string, string>;
    contentDisposition?: string;
  },
  onProgress: ProgressListener,
): Promise<void> {
  await run(scope, {
    operation: 'PutObject',
    key: target.key,
    abortable: true,
    onProgress,
    send: ({ client, sdk }, abortSignal) =>
      client.send(
        new sdk.PutObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          Body: input.body,
          ContentLength: input.size,
          ...(input.contentType ? { ContentType: input.contentType } : {}),
          ...checksumHeader(input.checksum),
          ...(createOnly(scope, input.ifNoneMatch) ? { IfNoneMatch: '*' } : {}),
          ...(input.metadata ? { Metadata: input.metadata } : {}),
          ...(input.contentDisposition ? { ContentDisposition: input.contentDisposition } : {}),
        }),
        { abortSignal },
      ),
  });
}

/**
 * CreateMultipartUpload; returns the UploadId. Never cut by pause: an UploadId lost in
 * transit would be an orphaned upload.
 */
export async function createMultipartUpload(
  scope: OperationScope,
  target: ObjectTarget,
  input: {
    contentType?: string;
    checksumAlgorithm?: ChecksumAlgorithm;
    checksumType?: 'FULL_OBJECT';
    /** `x-amz-meta-*`, values already encoded (file-metadata.ts). */
    metadata?: Record<string, string>;
    contentDisposition?: string;
  },
): Promise<string> {
  const created = await run(scope, {
    operation: 'CreateMultipartUpload',
    key: target.key,
    abortable: false,
    send: ({ client, sdk }, abortSignal) =>
      client.send(
        new sdk.CreateMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.key,
          ...(input.contentType ? { ContentType: input.contentType } : {}),
          ...(input.checksumAlgorithm ? { ChecksumAlgorithm: input.checksumAlgorithm } : {}),
          ...(input.checksumType ? { ChecksumType: input.checksumType } : {}),
          ...(input.metadata ? { Metadata: input.metadata } : {}),
          ...(input.contentDisposition ? { ContentDisposition: input.contentDisposition } : {}),
        }),
        { abortSignal },
      ),
  });
  if (!created.UploadId) {
    throw new UploadError('server', `CreateMultipartUpload of ${target.key} answered without an UploadId.`);
  }
  return created.UploadId;
}

/**
 * UploadPart, with byte progress; returns the part as CompleteMultipartUpload wants it.
 * A part whose ETag the browser may not read is a `cors-etag` error: without ETags the
 * upload cannot complete.
 */
export async function uploadPart(
  scope: OperationScope,
  upload: MultipartTarget,
  input: { partNumber: number; body: Blob; size: number; checksum?: SentChecksum },
  onProgress: ProgressListener,
): Promise<CompletedPart> {
  const { partNumber } = input;
  const out = await run(scope, {
    operation: `UploadPart ${partNumber}`,
    key: upload.key,
    abortable: true,
    onProgress,
    send: ({ client, sdk }, abortSignal) =>
      client.send(
        new sdk.UploadPartCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          PartNumber: partNumber,
          Body: input.body,
          ContentLength: input.size,
          ...checksumHeader(input.checksum),
        }),
        { abortSignal },
      ),
  });
  if (!out.ETag) {
    throw new UploadError(
      'cors-etag',
      `UploadPart ${partNumber} of ${upload.key} succeeded but its ETag was not readable: the bucket CORS must expose the ETag header (ExposeHeaders: ["ETag"]), or multipart uploads cannot complete.`,
    );
  }
  return {
    PartNumber: partNumber,
    ETag: out.ETag,
    ...checksumHeader(input.checksum),
  };
}

/** Every part of the upload, following ListParts pages (at most 1000 parts each). */
export async function listParts(scope: OperationScope, upload: MultipartTarget): Promise<ListedPart[]> {
  const parts: ListedPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await run(scope, {
      operation: 'ListParts',
      key: upload.key,
      abortable: true,
      send: ({ client, sdk }, abortSignal) =>
        client.send(
          new sdk.ListPartsCommand({
            Bucket: upload.bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
          { abortSignal },
        ),
    });
    parts.push(...(page.Parts ?? []));
    if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker) return parts;
    marker = page.NextPartNumberMarker;
  }
}

/**
 * CompleteMultipartUpload of the parts (sorted here). Never cut by pause, and given ten
 * stall timeouts: S3 may take minutes to assemble thousands of parts. `onAttempt` is told
 * of each request sent (a re-sent Complete may be answered NoSuchUpload after a first one
 * whose answer was lost). The ETag it returns is not checked: Ceph RGW leaves it empty;
 * HeadObject checks instead.
 */
export async function completeMultipartUpload(
  scope: OperationScope,
  upload: MultipartTarget,
  parts: readonly CompletedPart[],
  input: {
    /** The full-object checksum, for an upload created with ChecksumType FULL_OBJECT. */
    checksum?: SentChecksum;
    /** Write-once: `If-None-Match: *` (S3 answers 412 when the key exists). */
    ifNoneMatch?: boolean;
  } = {},
  onAttempt: () => void = () => {},
): Promise<void> {
  const sorted = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  await run(scope, {
    operation: 'CompleteMultipartUpload',
    key: upload.key,
    abortable: false,
    stallFactor: 10,
    send: ({ client, sdk }, abortSignal) => {
      onAttempt();
      return client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
          MultipartUpload: { Parts: sorted },
          ...(input.checksum
            ? { ...checksumHeader(input.checksum), ChecksumType: 'FULL_OBJECT' as const }
            : {}),
          ...(createOnly(scope, input.ifNoneMatch) ? { IfNoneMatch: '*' } : {}),
        }),
        { abortSignal },
      );
    },
  });
}

/**
 * AbortMultipartUpload: the one way the engine aborts an upload (cancel, failure, a resume
 * record that cannot be continued). Never cut mid-flight by pause.
 */
export async function abortMultipartUpload(scope: OperationScope, upload: MultipartTarget): Promise<void> {
  await run(scope, {
    operation: 'AbortMultipartUpload',
    key: upload.key,
    abortable: false,
    send: ({ client, sdk }, abortSignal) =>
      client.send(
        new sdk.AbortMultipartUploadCommand({
          Bucket: upload.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
        }),
        { abortSignal },
      ),
  });
}

/** What HeadObject says about a stored object. */
export interface StoredObject {
  length: number | undefined;
  etag: string | undefined;
  /**
   * The full-object checksum S3 keeps with the object, when asked for (`withChecksum`) and
   * the bucket has one and its CORS exposes it (x-amz-checksum-*). Ceph RGW 16 keeps none.
   */
  checksum?: SentChecksum;
}

/**
 * HeadObject of the target. `withChecksum` sends `x-amz-checksum-mode: ENABLED`, so S3
 * answers the object's checksum (only where it is needed: a narrower CORS AllowedHeaders
 * than the documented `*` would refuse that header).
 */
export async function headObject(
  scope: OperationScope,
  target: ObjectTarget,
  options: { withChecksum?: boolean } = {},
): Promise<StoredObject> {
  const head = await run(scope, {
    operation: 'HeadObject',
    key: target.key,
    abortable: true,
    send: ({ client, sdk }, abortSignal) =>
      client.send(
        new sdk.HeadObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          ...(options.withChecksum ? { ChecksumMode: 'ENABLED' as const } : {}),
        }),
        { abortSignal },
      ),
  });
  const full = head.ChecksumType === undefined || head.ChecksumType === 'FULL_OBJECT';
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => head[checksumField(a)] !== undefined);
  return {
    length: head.ContentLength,
    etag: head.ETag,
    ...(algorithm && full ? { checksum: { algorithm, value: head[checksumField(algorithm)]! } } : {}),
  };
}
