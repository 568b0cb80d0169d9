import { type Authenticator, authRequestOf } from '../../authenticator.js';
import { TokenServerError } from '../../errors.js';
import { resolveUserId, type UserIdOptions } from '../../user-id.js';
import type { RequestContext } from '../context.js';

/**
 * Who is asking: the authenticator gets the framework-neutral request (headers, cookies,
 * and the host's own request as `native`); its user id is validated (or hashed) before it
 * can reach a policy or a log line. 401 with `WWW-Authenticate: Bearer` when nobody.
 */
export function authenticator(auth: Authenticator, ids: UserIdOptions) {
  return async function authenticate(rc: RequestContext): Promise<string> {
    let result: Awaited<ReturnType<Authenticator['authenticate']>>;
    try {
      result = await auth.authenticate(authRequestOf(rc.call, rc.context.native));
    } catch (cause) {
      throw new TokenServerError('unauthorized', 'Authentication failed.', { cause });
    }
    if (!result) {
      rc.headers['www-authenticate'] = 'Bearer';
      throw new TokenServerError('unauthorized', 'Sign in first: send a valid bearer token.');
    }
    rc.userId = resolveUserId(result.userId, ids);
    return rc.userId;
  };
}
