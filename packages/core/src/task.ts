import type { ChecksumAlgorithm } from './checksum-algorithm.js';
import type { UploadError } from './errors.js';
import type { ImageReport } from './image/image-options.js';
import type { UploadReceipt } from './upload-receipt.js';

/**
 * Where a task is in its life; `succeeded`, `failed` and `cancelled` are final (until
 * retried). `pausing`: a pause lets the parts about to finish complete before `paused`.
 */
export type UploadState =
  | 'queued'
  | 'uploading'
  | 'pausing'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/**
 * One file and its upload, as the app sees it. The engine updates the fields in place and
 * announces each change with an event; treat the object as read-only.
 */
export interface UploadTask {
  /** Unique within the uploader; also the `<id>` in the default key. */
  readonly id: string;
  readonly file: Blob;
  /** The file name as given (`File.name`, or `name` passed to `add()`); the key uses a cleaned copy. */
  readonly name: string;
  readonly size: number;
  /** MIME type, sent as Content-Type; empty when unknown. */
  readonly type: string;
  /** The object key, known once the upload has started (or been resumed). */
  readonly key: string | undefined;
  readonly state: UploadState;
  /**
   * Bytes sent, never above `size` and never decreasing: bytes of a failed or aborted
   * attempt are taken back internally and the figure holds until the retry passes it.
   */
  readonly bytesUploaded: number;
  /** Bytes per second, smoothed; 0 when idle. */
  readonly speed: number;
  /** Seconds left at the current speed; null when unknown (no speed yet, paused). */
  readonly eta: number | null;
  /** Set when `state` is `failed`. */
  readonly error: UploadError | undefined;
  /**
   * A request failed on the network (or stalled, or got a 5xx) and is being retried with
   * backoff: "Reconnecting…". Cleared as soon as bytes move again, or the task settles.
   */
  readonly reconnecting: boolean;
  /** True when this upload continues a multipart upload found in the resume store. */
  readonly resumed: boolean;
  /**
   * Another tab of this site drives the stored upload of the same file (it holds the file's
   * Web Lock): this task waits for it instead of sending the same parts ("Uploading in
   * another tab…"). When that tab completes it, this task succeeds with `completedElsewhere`;
   * when that tab stops (paused and closed, failed, cancelled), this one continues or starts
   * its own upload. Pause and cancel end the wait.
   */
  readonly waitingForTab: boolean;
  /**
   * After success: the object was stored by another tab that completed the upload this task
   * resumed; this task sent nothing and no receipt (the tab that stored it reports it).
   * What proved it is this file: with `checksum` set, S3's full-object checksum of the
   * object (HeadObject with checksum mode) equals this file's; without, S3 reported none
   * (Ceph RGW 16 keeps none, or the bucket's CORS hides x-amz-checksum-*), and only the
   * size and the part count were compared.
   */
  readonly completedElsewhere: boolean;
  /**
   * After success: true when HeadObject confirmed the stored size; false when that check
   * could not run because the token endpoint does not offer the `read` scope (the object is
   * what S3 accepted part by part and on completion); undefined before, or with `verify: false`.
   */
  readonly verified: boolean | undefined;
  /**
   * Set on a succeeded task when something after the store failed (the size check could not
   * run: read credentials refused or throttled, HeadObject failing). The object is stored:
   * S3 accepted the PutObject or the Complete. A stored file is never reported failed.
   */
  readonly warning: UploadError | undefined;
  /** After success: the token server's upload receipt (`POST /uploads`), when it takes them. */
  readonly receipt: UploadReceipt | undefined;
  /**
   * After success with checksums on: the object's full-object checksum that S3 verified on
   * PutObject or CompleteMultipartUpload (base64, as S3 shows it in `x-amz-checksum-crc64nvme`,
   * `-crc32` or `-crc32c`).
   * Store it to check the object against the file later.
   */
  readonly checksum: ObjectChecksum | undefined;
  /**
   * For images: what was done before the upload (resized, re-encoded, location removed),
   * the thumbnails stored beside it, and notes for the user (`ImageNote` codes: a HEIC the
   * browser cannot decode, an unreadable EXIF). Set once the photo is prepared; `file`, `name`, `size` and
   * `type` then describe what is uploaded, `image.original` what was chosen.
   */
  readonly image: ImageReport | undefined;
  /** True while the photo is being prepared (decoded, resized, encoded) before its upload. */
  readonly preparing: boolean;
  /**
   * The file's metadata, stored as `x-amz-meta-<name>` (`add(file, { metadata })` or
   * `setMetadata()` before its upload starts); blank values left out.
   */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A whole-object checksum as S3 reports it. */
export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  type: 'FULL_OBJECT';
  /** Base64 of the big-endian bytes (4 for the CRC-32s, 8 for CRC64NVME), as S3 shows it. */
  value: string;
}

/** Progress of every task that is not cancelled. */
export interface OverallProgress {
  bytesUploaded: number;
  totalBytes: number;
  /** Bytes per second over all uploads, smoothed. */
  speed: number;
  eta: number | null;
}
