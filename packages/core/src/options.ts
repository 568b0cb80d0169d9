import { DEFAULT_MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PUT_SIZE, MIN_PART_SIZE } from '@s3up/contract';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, isChecksumAlgorithm } from './checksum-algorithm.js';
import { UploadError } from './errors.js';
import { type ImageOptions, type ImageSettings, resolveImageOptions } from './image/image-options.js';
import type { ResumeStore } from './resume-store.js';
import type { ReceiptsOption } from './upload-receipt.js';

export const MiB = 1024 * 1024;
// S3's bounds live in @s3up/contract; re-exported for the engine's modules that read them here.
export { MAX_PART_SIZE, MAX_PARTS, MAX_PUT_SIZE, MIN_PART_SIZE } from '@s3up/contract';

/** How to get temporary credentials from the app's token endpoint. */
export interface CredentialsOptions {
  /** The token server's `POST /credentials` URL, absolute or relative to the page. */
  url: string | URL;
  /**
   * Adjusts each request before it is sent: add the app's `Authorization` header, set
   * `credentials: 'include'` for cookies, and so on. Default: a plain JSON POST.
   */
  request?: (init: RequestInit) => RequestInit | Promise<RequestInit>;
  /** The fetch to use. Default: `globalThis.fetch` (tests and odd runtimes inject one). */
  fetch?: typeof fetch;
}

/** Per-request retries on network errors, 5xx, SlowDown and timeouts. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5: rides out a minute-long blip at the default delays. */
  retries?: number;
  /** First backoff delay in ms, doubled each retry, with full jitter. Default 500. */
  baseDelay?: number;
  /** Largest backoff delay in ms. Default 20,000: long enough to outlast throttling, short enough to not look hung. */
  maxDelay?: number;
}

/**
 * Where the engine hears about connectivity. In the browser the default is `window`
 * (`online`/`offline` events and `navigator.onLine`); in Node there is none unless given.
 */
export interface NetworkStatus {
  /** Dispatches `online` and `offline` events. */
  target: EventTarget;
  /** False means certainly offline. True proves nothing (a LAN without internet is "online"). */
  isOnline?: () => boolean;
}

export interface UploaderOptions {
  credentials: CredentialsOptions;
  /**
   * Requests in flight across all files. Default 6, the browser's HTTP/1.1 connection
   * limit per origin: more would only queue inside the browser.
   */
  concurrency?: number;
  /**
   * Preferred part size in bytes. Default 8 MiB: large enough that request overhead is
   * small, small enough that a failed part costs little. Grows for files over
   * 10,000 parts: max(partSize, ceil(size / 10,000)); must be 5 MiB to 5 GiB.
   */
  partSize?: number;
  /**
   * Files smaller than this go up in one PutObject. Default 8 MiB (one part): below it
   * multipart only adds two round trips. At most 5 GiB, PutObject's limit.
   */
  multipartThreshold?: number;
  /**
   * The object key for a file. Default `<prefix><id>/<clean file name>`. The returned key
   * must start with `ctx.prefix` (else the upload would be denied) and must not contain
   * `.`/`..` segments.
   */
  keyFor?: (file: File, ctx: { prefix: string; id: string }) => string;
  /**
   * Where resume records are kept. Default: IndexedDB in the browser, memory in Node.
   * `null` turns resume off.
   */
  resumeStore?: ResumeStore | null;
  /**
   * Records older than this (ms) are not resumed but aborted and replaced. Default 7 days,
   * the longest `AbortIncompleteMultipartUpload` lifecycle: past it the parts are gone anyway.
   */
  resumeMaxAge?: number;
  /** Start each file as soon as it is added. Default true; false waits for `start()`. */
  autoStart?: boolean;
  retry?: RetryOptions;
  /**
   * A request that makes no progress for this long (ms) is aborted and retried.
   * Default 60,000: far above any healthy pause, short enough to notice a dead connection.
   */
  stallTimeout?: number;
  /**
   * `WHEN_SUPPORTED` sends a CRC32 of each part, which S3 verifies; `WHEN_REQUIRED` sends
   * none (S3-compatible servers that reject checksums, the local Ceph backend). Default:
   * what the credentials endpoint says, else `WHEN_SUPPORTED` (AWS's default).
   */
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /**
   * Which full-object checksum to send when checksums are on: `CRC32`, `CRC32C` or
   * `CRC64NVME`; PutObject, every part and CompleteMultipartUpload carry the same one.
   * Default per backend, from the credentials answer: `CRC64NVME` on AWS (no `endpoint`, or
   * an amazonaws.com one), because it is the checksum S3 itself keeps for every object
   * uploaded without one (so the value an app stores is the one S3 reports for all its
   * objects), it is full-object by design, and 64 bits make an undetected corruption of a
   * large object far less likely than 32; it is hashed in a Worker (hash-wasm). `CRC32`
   * elsewhere, the one S3-compatible servers implement most widely (Ceph RGW 16 verifies
   * none of them, and its token server's `WHEN_REQUIRED` turns checksums off there).
   */
  checksumAlgorithm?: ChecksumAlgorithm;
  /**
   * Check with HeadObject that the stored object has the file's size before reporting
   * success. Default true: it is the only end-to-end check that does not depend on
   * CompleteMultipartUpload's ETag (empty on Ceph RGW).
   */
  verify?: boolean;
  /** Connectivity source; `null` ignores connectivity. Default: `window` in the browser. */
  network?: NetworkStatus | null;
  /**
   * How much work may be in flight, as time (ms) of the measured uplink: parts start only
   * while the bytes in flight stay within about this many ms of what the link carries (and
   * at least one part, at most `concurrency` parts), and a new upload's part size is fixed
   * from it (5 MiB to `partSize`). Default 10,000: a pause or a reload then loses at most
   * about 10 s of sending, while a fast link still opens up to `concurrency`. 0 turns the
   * bound off: always `concurrency` parts of `partSize`.
   */
  flightTime?: number;
  /**
   * On pause, parts that will all be sent within this many ms at the measured speed finish
   * and are kept; the rest are aborted. Default 5,000: a pause takes effect within seconds
   * and throws little away. 0 pauses at once (as does `pause(id, { now: true })`).
   */
  pauseGrace?: number;
  /**
   * Report each success to the token server (`POST /uploads`, an upload receipt) when it
   * offers that; the receipt is in the `upload-succeeded` event. Default true; false never
   * reports; `{ url }` names another endpoint. See ReceiptsOption.
   */
  receipts?: ReceiptsOption;
  /**
   * `false` makes every upload write-once: PutObject and CompleteMultipartUpload carry
   * `If-None-Match: *`, so an existing object is never replaced (an `exists` error naming
   * the key instead). Default true, S3's own behaviour. Ceph RGW 16 honours it on
   * PutObject only; AWS S3 on both.
   */
  overwrite?: boolean;
  /**
   * Largest file in bytes; a larger one fails with `too-large` before anything is sent.
   * Default S3's documented maximum, 10,000 parts of 5 GiB (about 48.8 TiB). Set it lower
   * for an S3-compatible server with a smaller limit, or as an app's own cap.
   */
  maxObjectSize?: number;
  /**
   * What to do with photos before upload: remove their location (JPEG EXIF GPS and XMP
   * location, losslessly; on by default), resize and re-encode, upload thumbnails beside them
   * (see ImageOptions). Default `{ stripLocation: true }`; `false` uploads every file's own
   * bytes. The processing code loads only with the first image.
   */
  images?: ImageOptions | boolean;
  /**
   * `Content-Disposition` stored with each object, with the file's name (RFC 6266:
   * `filename=` in ASCII and `filename*=UTF-8''` exact): `inline` (default: a view URL shows
   * the file, and a download keeps its name instead of the key's random folder), `attachment`
   * (links always download) or `false` (none).
   */
  contentDisposition?: 'inline' | 'attachment' | false;
}

export interface ResolvedOptions {
  credentials: CredentialsOptions;
  concurrency: number;
  partSize: number;
  multipartThreshold: number;
  keyFor: UploaderOptions['keyFor'];
  resumeStore: ResumeStore | null | undefined;
  resumeMaxAge: number;
  autoStart: boolean;
  retries: number;
  baseDelay: number;
  maxDelay: number;
  stallTimeout: number;
  requestChecksumCalculation: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED' | undefined;
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  verify: boolean;
  network: NetworkStatus | null | undefined;
  flightTime: number;
  pauseGrace: number;
  receipts: ReceiptsOption;
  overwrite: boolean;
  maxObjectSize: number;
  images: ImageSettings | null;
  contentDisposition: 'inline' | 'attachment' | false;
}

function invalid(message: string): never {
  throw new UploadError('invalid-options', message);
}

function integer(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  unit = '',
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${name} must be an integer from ${min}${unit} to ${max}${unit}; got ${String(value)}.`);
  }
  return value;
}

/** Checks every option once, in the constructor, so a mistake fails at start with its name. */
export function resolveOptions(options: UploaderOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) invalid('new Uploader(options): options is required.');
  const credentials = options.credentials;
  if (typeof credentials !== 'object' || credentials === null) {
    invalid('credentials is required: { url: "/credentials" } (the token server endpoint).');
  }
  if (!(credentials.url instanceof URL) && (typeof credentials.url !== 'string' || credentials.url === '')) {
    invalid('credentials.url must be the token endpoint URL, for example "/credentials".');
  }
  if (credentials.request !== undefined && typeof credentials.request !== 'function') {
    invalid('credentials.request must be a function (init) => init.');
  }
  if (credentials.fetch === undefined && typeof globalThis.fetch !== 'function') {
    invalid('credentials.fetch is required: this runtime has no global fetch.');
  }
  if (options.keyFor !== undefined && typeof options.keyFor !== 'function') {
    invalid('keyFor must be a function (file, { prefix, id }) => key.');
  }
  if (options.overwrite !== undefined && typeof options.overwrite !== 'boolean') {
    invalid(`overwrite must be true or false; got ${String(options.overwrite)}.`);
  }
  if (options.checksumAlgorithm !== undefined && !isChecksumAlgorithm(options.checksumAlgorithm)) {
    invalid(
      `checksumAlgorithm must be ${CHECKSUM_ALGORITHMS.map((a) => `"${a}"`).join(', ')}; got ${JSON.stringify(options.checksumAlgorithm)}.`,
    );
  }
  const mode = options.requestChecksumCalculation;
  if (mode !== undefined && mode !== 'WHEN_SUPPORTED' && mode !== 'WHEN_REQUIRED') {
    invalid(`requestChecksumCalculation must be "WHEN_SUPPORTED" or "WHEN_REQUIRED"; got ${String(mode)}.`);
  }
  const store = options.resumeStore;
  if (
    store !== undefined &&
    store !== null &&
    (typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function')
  ) {
    invalid('resumeStore must have get(fingerprint), set(record) and delete(fingerprint), or be null.');
  }
  const network = options.network;
  if (network !== undefined && network !== null && typeof network.target?.addEventListener !== 'function') {
    invalid('network.target must be an EventTarget that dispatches online/offline, or network must be null.');
  }
  const retry = options.retry ?? {};
  const baseDelay = integer('retry.baseDelay', retry.baseDelay, 500, 0, 600_000, ' ms');
  return {
    credentials,
    concurrency: integer('concurrency', options.concurrency, 6, 1, 64),
    partSize: integer('partSize', options.partSize, 8 * MiB, MIN_PART_SIZE, MAX_PART_SIZE, ' bytes'),
    multipartThreshold: integer(
      'multipartThreshold',
      options.multipartThreshold,
      8 * MiB,
      0,
      MAX_PUT_SIZE,
      ' bytes',
    ),
    keyFor: options.keyFor,
    resumeStore: store,
    resumeMaxAge: integer(
      'resumeMaxAge',
      options.resumeMaxAge,
      7 * 24 * 3600 * 1000,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    autoStart: options.autoStart ?? true,
    retries: integer('retry.retries', retry.retries, 5, 0, 100),
    baseDelay,
    maxDelay: integer(
      'retry.maxDelay',
      retry.maxDelay,
      Math.max(20_000, baseDelay),
      baseDelay,
      3_600_000,
      ' ms',
    ),
    stallTimeout: integer('stallTimeout', options.stallTimeout, 60_000, 0, 3_600_000, ' ms'),
    requestChecksumCalculation: mode,
    checksumAlgorithm: options.checksumAlgorithm,
    verify: options.verify ?? true,
    network,
    flightTime: integer('flightTime', options.flightTime, 10_000, 0, 600_000, ' ms'),
    pauseGrace: integer('pauseGrace', options.pauseGrace, 5_000, 0, 600_000, ' ms'),
    receipts: receiptsOption(options.receipts),
    overwrite: options.overwrite ?? true,
    maxObjectSize: integer(
      'maxObjectSize',
      options.maxObjectSize,
      DEFAULT_MAX_OBJECT_SIZE,
      0,
      DEFAULT_MAX_OBJECT_SIZE,
      ' bytes',
    ),
    images: resolveImageOptions(options.images),
    contentDisposition: dispositionOption(options.contentDisposition),
  };
}

function dispositionOption(value: unknown): 'inline' | 'attachment' | false {
  if (value === undefined) return 'inline';
  if (value === 'inline' || value === 'attachment' || value === false) return value;
  return invalid(`contentDisposition must be 'inline', 'attachment' or false; got ${JSON.stringify(value)}.`);
}

function receiptsOption(value: UploaderOptions['receipts']): ReceiptsOption {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    (typeof value.url === 'string' || value.url instanceof URL)
  ) {
    return value;
  }
  return invalid('receipts must be true, false or { url: "/s3up/uploads" }.');
}
