import { awsErrorName, httpStatusOf } from './aws-error.js';

/**
 * Whether an S3 error means "this endpoint does not implement the API" (Ceph RGW 16 on
 * PutBucketOwnershipControls and PutBucketEncryption without a KMS), as opposed to a
 * real refusal. Only these shapes count: 501, 405, or 400 InvalidArgument/NotImplemented.
 */
export function isUnsupportedByEndpoint(error: unknown): boolean {
  const status = httpStatusOf(error);
  const name = awsErrorName(error);
  if (status === 501 || status === 405) return true;
  return status === 400 && (name === 'InvalidArgument' || name === 'NotImplemented');
}

/** The label every command prints for it: distinct from pass and fail on purpose. */
export const UNSUPPORTED_LABEL = 'not supported by this endpoint';
