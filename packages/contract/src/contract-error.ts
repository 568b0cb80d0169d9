/**
 * What a contract check found wrong. Each package turns it into its own error
 * (`UploadError`, `TokenServerError`, `CliError`) and keeps the message, which names the
 * field and says what to fix.
 */
export type ContractErrorCode =
  /** A `POST /credentials` answer that does not follow the contract. */
  | 'invalid_credentials'
  /** A key prefix that is not safe inside an IAM policy. */
  | 'invalid_prefix'
  /** A user id that cannot become part of a prefix. */
  | 'invalid_user_id'
  /** An object key that breaks a rule of {@link keyProblem}. */
  | 'invalid_key';

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;
  /** The field of the checked value that broke the rule, when there is one. */
  readonly field: string | undefined;

  constructor(code: ContractErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Checked by shape: `instanceof` fails when two copies of the package are installed. */
export function isContractError(error: unknown): error is ContractError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ContractError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}
