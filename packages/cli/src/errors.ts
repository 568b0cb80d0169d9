/**
 * Exit codes of `s3up`, documented in the README and in `s3up --help`.
 * Scripts branch on these, so they never change meaning.
 */
export const EXIT = {
  /** Everything asked for was done, every check passed. */
  ok: 0,
  /** `doctor` found at least one failing (or unaccepted unsupported) check; `setup --apply` could not apply a step. */
  checkFailed: 1,
  /** Bad flags, environment or config file: nothing was sent to AWS. */
  usage: 2,
  /** AWS (or the token server) refused: access denied, role or bucket missing, STS limits. */
  refused: 3,
  /** The endpoint, STS or the token server could not be reached. */
  unreachable: 4,
  /** Interrupted (Ctrl-C, SIGINT): uploads were paused, and the same command resumes them. 128 + 2, the shell's convention. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CliErrorCode =
  | 'invalid_config'
  | 'invalid_argument'
  | 'expiry_too_long'
  | 'access_denied'
  | 'not_found'
  | 'sts_refused'
  | 'token_server'
  | 'unreachable'
  | 'upload_failed'
  | 'file_unreadable';

const EXIT_FOR: Record<CliErrorCode, ExitCode> = {
  invalid_config: EXIT.usage,
  invalid_argument: EXIT.usage,
  expiry_too_long: EXIT.usage,
  access_denied: EXIT.refused,
  not_found: EXIT.refused,
  sts_refused: EXIT.refused,
  token_server: EXIT.refused,
  unreachable: EXIT.unreachable,
  upload_failed: EXIT.checkFailed,
  file_unreadable: EXIT.usage,
};

/**
 * The one error type of the CLI: a stable `code`, the exit status it maps to, and the
 * underlying `cause`. Messages say what to change; they never hold keys or tokens.
 *
 * @example
 * throw new CliError('invalid_config', 'S3UP_BUCKET is not set: pass --bucket or set S3UP_BUCKET.');
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  override readonly cause?: unknown;
  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    if (options.cause !== undefined) this.cause = options.cause;
  }
  get exitCode(): ExitCode {
    return EXIT_FOR[this.code];
  }
}

/** `instanceof` fails across duplicate package copies; the code is the contract. */
export function isCliError(error: unknown): error is CliError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'CliError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
