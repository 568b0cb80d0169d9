const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Part numbers run from 1 to 10,000 (S3 user guide, multipart upload limits). */
export const MAX_PARTS = 10_000;
/** Every part but the last is at least 5 MiB. */
export const MIN_PART_SIZE = 5 * MiB;
/** No part is larger than 5 GiB. */
export const MAX_PART_SIZE = 5 * GiB;
/** One PutObject carries at most 5 GiB; above it only multipart works. */
export const MAX_PUT_SIZE = 5 * GiB;
/** ListParts returns at most this many parts a page. */
export const LIST_PARTS_PAGE_SIZE = 1000;
/** A key is at most 1024 bytes of UTF-8, prefix included. */
export const MAX_KEY_BYTES = 1024;
/**
 * The default largest object: S3's documented maximum, 10,000 parts of 5 GiB
 * (50,000 GiB, about 48.8 TiB; it was 5 TiB until 2025). S3-compatible servers may
 * allow less, so the engine takes it as a setting (`maxObjectSize`) with this default.
 */
export const DEFAULT_MAX_OBJECT_SIZE = MAX_PARTS * MAX_PART_SIZE;

/** The limits above as one object, for code that passes them around. */
export const S3_LIMITS = Object.freeze({
  maxParts: MAX_PARTS,
  minPartSize: MIN_PART_SIZE,
  maxPartSize: MAX_PART_SIZE,
  maxPutSize: MAX_PUT_SIZE,
  listPartsPageSize: LIST_PARTS_PAGE_SIZE,
  maxKeyBytes: MAX_KEY_BYTES,
  defaultMaxObjectSize: DEFAULT_MAX_OBJECT_SIZE,
});
