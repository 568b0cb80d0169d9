import { createTokenHandler, type TokenHandler } from '../handler/create-token-handler.js';
import type { TokenHandlerOptions } from '../handler/options.js';

export interface NextTokenOptions extends TokenHandlerOptions {
  /**
   * The client's address for the per-IP limit and the audit log. Next.js route handlers
   * are not told the socket address; behind a proxy you trust (Vercel, a load balancer),
   * read its header, e.g. `(req) => req.headers.get('x-forwarded-for')?.split(',')[0]?.trim()`.
   * Default none: no per-IP limit (the per-user limit still applies), no `ip` in the log.
   */
  clientIp?: (request: Request) => string | undefined;
}

export interface NextRouteHandlers {
  GET: (request: Request) => Promise<Response>;
  POST: (request: Request) => Promise<Response>;
  OPTIONS: (request: Request) => Promise<Response>;
  /** The Fetch core underneath (clearCache, close). */
  handler: TokenHandler;
}

/**
 * Next.js App Router route handlers: put them in a catch-all route whose folder is
 * `basePath`, e.g. `app/api/s3up/[...route]/route.ts` with `basePath: '/api/s3up'`. The
 * authenticator gets the request's headers and cookies (Next's `cookies()` and
 * `headers()` also work inside it, since it runs within the route handler).
 *
 * @example
 * ```ts
 * // app/api/s3up/[...route]/route.ts
 * import { createNextRouteHandlers } from '@s3up/token-server/next';
 * import { jwtAuthenticator } from '@s3up/token-server';
 * export const { GET, POST, OPTIONS } = createNextRouteHandlers({
 *   basePath: '/api/s3up', bucket: 'my-uploads', region: 'eu-west-1', roleArn,
 *   authenticate: jwtAuthenticator({ jwksUrl, issuer, audience: 's3up' }),
 * });
 * ```
 */
export function createNextRouteHandlers(options: NextTokenOptions): NextRouteHandlers {
  const { clientIp, ...core } = options;
  const handler = createTokenHandler(core, ['clientIp']);
  const handle = (request: Request) => handler(request, { ip: clientIp?.(request) });
  return { GET: handle, POST: handle, OPTIONS: handle, handler };
}
