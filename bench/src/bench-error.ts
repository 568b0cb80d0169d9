/** What went wrong, so the run can say which benchmark to fix or skip. */
export type BenchErrorCode =
  | 'invalid-option'
  | 'invalid-benchmark'
  | 'backend'
  | 'credentials'
  | 'upload'
  | 'browser'
  | 'bundle'
  | 'not-available'
  | 'timeout'
  | 'not-loopback';

/**
 * The one error the harness throws: a `code` to branch on, the `cause` it wraps, and a
 * message that says what to do about it.
 *
 * @example
 * throw new BenchError('invalid-option', 'rounds must be 1 to 20: pass --rounds 3');
 */
export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `instanceof` fails across duplicate module copies (tsx + esbuild); check the code instead. */
export function isBenchError(error: unknown): error is BenchError {
  return (
    error instanceof Error && error.name === 'BenchError' && typeof (error as BenchError).code === 'string'
  );
}
