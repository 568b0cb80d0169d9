// The token server owns the session policy: grants and the doctor's probe use the very
// same statements as browser sessions. Its validation errors become the CLI's, with the flag named.
import {
  buildSessionPolicy as build,
  isTokenServerError,
  type Scope,
  type SessionPolicyInput,
  serializeSessionPolicy as serialize,
} from '@s3up/token-server/policy';
import { CliError } from './errors.js';

export type { Scope };

function translated<T>(fn: () => T, flag: string): T {
  try {
    return fn();
  } catch (error) {
    if (isTokenServerError(error))
      throw new CliError('invalid_argument', `${flag}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** `buildSessionPolicy` from `@s3up/token-server`; a bad prefix is reported against `--prefix`. */
export function buildSessionPolicy(input: SessionPolicyInput) {
  return translated(() => build(input), '--prefix');
}

export function serializeSessionPolicy(policy: ReturnType<typeof build>): string {
  return translated(() => serialize(policy), '--prefix');
}
