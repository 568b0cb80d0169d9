// @ts-check
/**
 * The one list of what the engine sends to and reads from S3, by client-s3 shape name.
 *
 * Two things read it. core's browser build (lean-sdk.mjs) keeps only these members in the
 * SDK's schemas and refuses any other input member at run time, so a member missing here
 * fails users' uploads in browsers. The test projects (vitest.config.ts, the
 * sdk-members-guard plugin) give every S3 client the engine creates the same rule, so the
 * engine's own tests fail first: an input member outside the list is refused with a message
 * naming this file, and answers keep only the members listed, as the browser build reads them.
 *
 * A plain module, not TypeScript in src/: Node 20 runs the build scripts, and it imports no
 * TypeScript; nothing in the engine imports it, so it costs the shipped bundle nothing.
 */

/**
 * The members of client-s3's shapes the engine sends and reads (s3-operations.ts,
 * interrupted-uploads.ts, s3-transport.ts's warm-up): the input shapes' members it sets,
 * the output shapes' members it reads, and a few an answer carries beside them. The other
 * members of these shapes (object lock, ACL grants, SSE, storage class, tagging, website
 * redirects... 40-odd headers a shape) go, with the header names only they use.
 */
const CK = ['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumCRC64NVME'];
export const MEMBERS_USED = {
  PutObjectRequest: [
    'Bucket',
    'Key',
    'Body',
    'ContentLength',
    'ContentType',
    ...CK,
    'IfNoneMatch',
    'Metadata',
    'ContentDisposition',
  ],
  PutObjectOutput: ['ETag', ...CK, 'ChecksumType'],
  CreateMultipartUploadRequest: [
    'Bucket',
    'Key',
    'ContentType',
    'ChecksumAlgorithm',
    'ChecksumType',
    'Metadata',
    'ContentDisposition',
  ],
  CreateMultipartUploadOutput: ['Bucket', 'Key', 'UploadId', 'ChecksumAlgorithm', 'ChecksumType'],
  UploadPartRequest: ['Bucket', 'Key', 'UploadId', 'PartNumber', 'Body', 'ContentLength', ...CK],
  UploadPartOutput: ['ETag', ...CK],
  ListPartsRequest: ['Bucket', 'Key', 'UploadId', 'PartNumberMarker', 'MaxParts'],
  ListPartsOutput: [
    'Bucket',
    'Key',
    'UploadId',
    'PartNumberMarker',
    'NextPartNumberMarker',
    'MaxParts',
    'IsTruncated',
    'Parts',
    'ChecksumAlgorithm',
    'ChecksumType',
  ],
  Part: ['PartNumber', 'ETag', 'Size', ...CK],
  CompleteMultipartUploadRequest: [
    'Bucket',
    'Key',
    'UploadId',
    'MultipartUpload',
    ...CK,
    'ChecksumType',
    'IfNoneMatch',
  ],
  CompletedMultipartUpload: ['Parts'],
  CompletedPart: ['ETag', 'PartNumber', ...CK],
  CompleteMultipartUploadOutput: ['Location', 'Bucket', 'Key', 'ETag', ...CK, 'ChecksumType'],
  AbortMultipartUploadRequest: ['Bucket', 'Key', 'UploadId'],
  AbortMultipartUploadOutput: [],
  HeadObjectRequest: ['Bucket', 'Key', 'ChecksumMode'],
  HeadObjectOutput: [
    'ContentLength',
    'ETag',
    ...CK,
    'ChecksumType',
    'ContentType',
    'Metadata',
    'LastModified',
  ],
};

/** Command name -> the input members the trimmed schemas keep (for the members guard). */
export function inputMembersSent() {
  /** @type {Record<string, string[]>} */
  const sent = {};
  for (const [shape, members] of Object.entries(MEMBERS_USED))
    if (shape.endsWith('Request')) sent[`${shape.slice(0, -'Request'.length)}Command`] = members;
  return sent;
}

/**
 * Members that are structs or lists of structs with a list of their own here:
 * `Shape.Member` -> the shape of the value (of each item for a list).
 */
export const NESTED_SHAPES = {
  'CompleteMultipartUploadRequest.MultipartUpload': 'CompletedMultipartUpload',
  'CompletedMultipartUpload.Parts': 'CompletedPart',
  'ListPartsOutput.Parts': 'Part',
};
