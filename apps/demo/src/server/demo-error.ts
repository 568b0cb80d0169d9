/** What went wrong, stable for code that branches on it. */
export type DemoErrorCode = 'config' | 'sign-in' | 'backend' | 'token-server';

/**
 * The demo's one error type. `code` is stable; `message` says what to do about it.
 * Use {@link isDemoError} rather than `instanceof`: the check must survive duplicate
 * copies of this module (tsx and Vite can each load their own).
 *
 * @example
 * throw new DemoError('config', 'S3UP_REGION is missing: set it next to S3UP_BUCKET');
 */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  readonly code: DemoErrorCode;

  constructor(code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isDemoError(value: unknown): value is DemoError {
  return (
    value instanceof Error &&
    value.name === 'DemoError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
