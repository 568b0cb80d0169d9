import { TokenServerError } from '../../errors.js';
import { originAllowlist } from '../../origin-allowlist.js';
import type { RequestContext } from '../context.js';

/**
 * CORS from the allowlist. A disallowed Origin is refused outright rather than served
 * without CORS headers: the request would otherwise still run (and, with cookie auth, act).
 * Answers preflights itself (a Response); otherwise adds the headers and returns nothing.
 */
export function cors(allowedOrigins: readonly string[], usesCookies: boolean) {
  const isAllowed = originAllowlist(allowedOrigins);
  return function corsCheck(rc: RequestContext): Response | undefined {
    const origin = rc.request.headers.get('origin');
    if (origin === null) return undefined;
    const sameOrigin = origin === new URL(rc.request.url).origin;
    if (!sameOrigin && !isAllowed(origin)) {
      throw new TokenServerError('forbidden', `Origin ${origin} is not allowed; add it to allowedOrigins.`);
    }
    rc.headers.set('Access-Control-Allow-Origin', origin);
    if (usesCookies) rc.headers.set('Access-Control-Allow-Credentials', 'true');
    if (rc.request.method === 'OPTIONS') {
      rc.headers.set('Access-Control-Allow-Methods', 'GET, POST');
      rc.headers.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id');
      rc.headers.set('Access-Control-Max-Age', '600');
      return new Response(null, { status: 204, headers: rc.headers });
    }
    rc.headers.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    return undefined;
  };
}
