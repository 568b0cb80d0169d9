import { TokenServerError } from '../../errors.js';
import { originAllowlist } from '../../origin-allowlist.js';
import type { Answer } from '../answer.js';
import type { RequestContext } from '../context.js';

/**
 * CORS from the allowlist. A disallowed Origin is refused outright rather than served
 * without CORS headers: the request would otherwise still run (and, with cookie auth, act).
 * Answers preflights itself (a 204 answer); otherwise adds the headers and returns nothing.
 */
export function cors(allowedOrigins: readonly string[], usesCookies: boolean) {
  const isAllowed = originAllowlist(allowedOrigins);
  return function corsCheck(rc: RequestContext): Answer | undefined {
    const origin = rc.call.header('origin');
    if (origin === null) return undefined;
    const sameOrigin = origin === new URL(rc.call.url).origin;
    if (!sameOrigin && !isAllowed(origin)) {
      throw new TokenServerError('forbidden', `Origin ${origin} is not allowed; add it to allowedOrigins.`);
    }
    const headers = rc.headers;
    headers['access-control-allow-origin'] = origin;
    if (usesCookies) headers['access-control-allow-credentials'] = 'true';
    if (rc.call.method === 'OPTIONS') {
      headers['access-control-allow-methods'] = 'GET, POST';
      headers['access-control-allow-headers'] = 'Authorization, Content-Type, X-Request-Id';
      headers['access-control-max-age'] = '600';
      return rc.answer(204, undefined);
    }
    headers['access-control-expose-headers'] = 'X-Request-Id, Retry-After';
    return undefined;
  };
}
