/**
 * Response headers a browser may read only when the bucket's CORS exposes them: the object's
 * checksum that HeadObject answers with `x-amz-checksum-mode: ENABLED`. The engine reads them
 * to prove that an object another tab stored is this file (its full-object checksum), not
 * only its size. `s3up setup` plans them, `s3up doctor` checks them, the local backend's
 * bucket exposes them.
 */
export const CHECKSUM_RESPONSE_HEADERS: readonly string[] = Object.freeze([
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-type',
]);

/**
 * Every response header a bucket's CORS rule must expose for browser uploads and the gallery
 * that reads them back: `ETag` (multipart needs each part's), the request and version ids
 * (support and versioned buckets), the per-file metadata a photo app stores (title,
 * description, the original name in Content-Disposition: S3 CORS takes no wildcard here), and
 * the checksum headers above. `s3up setup` plans this list and the local backend applies it.
 */
export const BROWSER_EXPOSE_HEADERS: readonly string[] = Object.freeze([
  'ETag',
  'x-amz-request-id',
  'x-amz-version-id',
  'x-amz-meta-title',
  'x-amz-meta-description',
  'Content-Disposition',
  ...CHECKSUM_RESPONSE_HEADERS,
]);
