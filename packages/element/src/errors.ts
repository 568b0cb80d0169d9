/**
 * Codes of {@link S3UploadElementError}:
 * - `config`: an attribute or property holds a value the element cannot use.
 * - `engine`: the upload engine could not be created (usually a missing `endpoint`).
 */
export type S3UploadElementErrorCode = 'config' | 'engine';

/**
 * The one error class of `@s3up/element`. Upload failures themselves are the engine's
 * `UploadError` (see `@s3up/core`); this one reports misuse of the element.
 */
export class S3UploadElementError extends Error {
  override readonly name = 'S3UploadElementError';
  readonly code: S3UploadElementErrorCode;

  constructor(code: S3UploadElementErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Throws the `engine` error that says to set `endpoint`, when `endpoint` is not set. */
export function checkEndpoint(endpoint: string | undefined): void {
  if (!endpoint) {
    throw new S3UploadElementError(
      'engine',
      '<s3-upload> has no endpoint: set its endpoint attribute to your token server\'s credentials URL, e.g. endpoint="/api/uploads/credentials"',
    );
  }
}

/** True for an {@link S3UploadElementError}, even from a duplicate copy of the package (`instanceof` is not). */
export function isS3UploadElementError(error: unknown): error is S3UploadElementError {
  return (
    error instanceof Error &&
    error.name === 'S3UploadElementError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
