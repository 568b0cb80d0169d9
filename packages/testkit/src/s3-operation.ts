/**
 * The S3 operation of a path-style request (`/<bucket>/<key>?<query>`), from its method and
 * query: what the test proxies record, so tests count operations on the wire. Enough for
 * everything s3up sends (multipart, single PUT, presigned GET/POST, HEAD, listings, the
 * preflight). Browser-safe.
 */
export function s3Operation(method: string, url: string): string {
  const query = new URL(url, 'http://x').searchParams;
  if (method === 'OPTIONS') return 'Preflight';
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'PUT' && query.has('partNumber')) return 'UploadPart';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'GET' && query.has('uploadId')) return 'ListParts';
  if (method === 'GET' && query.has('uploads')) return 'ListMultipartUploads';
  if (method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
  if (method === 'PUT') return 'PutObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'DELETE') return 'DeleteObject';
  if (method === 'POST') return 'PostObject';
  return method;
}

/** The `uploadId` query parameter of a request URL (path and query), or null. */
export function uploadIdOf(url: string): string | null {
  return new URL(url, 'http://x').searchParams.get('uploadId');
}

/** The `partNumber` query parameter of a request URL, or null. */
export function partNumberOf(url: string): number | null {
  const value = new URL(url, 'http://x').searchParams.get('partNumber');
  return value === null ? null : Number(value);
}
