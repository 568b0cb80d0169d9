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
