import type { Authenticator } from './authenticator.js';
import { TokenServerError } from './errors.js';

export interface DevAuthenticatorOptions {
  /** Header holding the user id. Default `x-s3up-user`. */
  header?: string;
  /** User when the header is absent. Default none (401): a missing header should look like a missing login. */
  defaultUser?: string;
  /** Read instead of `process.env.NODE_ENV`, for tests. */
  nodeEnv?: string | undefined;
}

/**
 * Development only: trusts a header for the user id. Refuses to start when
 * `NODE_ENV=production`, because anyone could then claim to be anyone.
 *
 * @example
 * ```ts
 * createTokenServer({ ...aws, authenticate: devAuthenticator() });
 * // curl -X POST -H 'x-s3up-user: alice' http://127.0.0.1:8787/credentials
 * ```
 */
export function devAuthenticator(options: DevAuthenticatorOptions = {}): Authenticator {
  const env = 'nodeEnv' in options ? options.nodeEnv : process.env.NODE_ENV;
  if (env === 'production') {
    throw new TokenServerError(
      'invalid_config',
      'devAuthenticator() trusts a request header for the user id and refuses to run with NODE_ENV=production; ' +
        'use jwtAuthenticator() or your own authenticate(req).',
    );
  }
  const header = (options.header ?? 'x-s3up-user').toLowerCase();
  return {
    authenticate(req) {
      const value = req.headers[header];
      const userId = typeof value === 'string' && value.length > 0 ? value : options.defaultUser;
      return userId ? { userId } : null;
    },
  };
}
