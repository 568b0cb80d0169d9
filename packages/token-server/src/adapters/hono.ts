import type { Context, MiddlewareHandler } from 'hono';
import { createTokenHandler, type TokenHandler } from '../handler/create-token-handler.js';
import type { TokenHandlerOptions } from '../handler/options.js';

export interface HonoTokenOptions extends TokenHandlerOptions {
  /**
   * The client's address for the per-IP limit and the audit log. Default: the socket
   * address under `@hono/node-server` (`c.env.incoming`); elsewhere none (no per-IP
   * limit). Behind a proxy, e.g. `(c) => getConnInfo(c).remote.address` or a header you trust.
   */
  clientIp?: (c: Context) => string | undefined;
}

/**
 * Hono middleware serving the token routes under `basePath` and passing every other
 * path on to the next handler. Runs wherever Hono runs with `fetch` (Node, Bun, Deno,
 * workers); the authenticator gets Hono's `Context` as `native`.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use('/s3up/*', s3upHono({ basePath: '/s3up', bucket, region, roleArn, authenticate: jwtAuthenticator(jwt) }));
 * ```
 */
export function s3upHono(options: HonoTokenOptions): MiddlewareHandler & { handler: TokenHandler } {
  const { clientIp, ...core } = options;
  const handler = createTokenHandler(core, ['clientIp']);
  const ipOf = clientIp ?? nodeSocketAddress;
  const middleware: MiddlewareHandler = async (c, next) => {
    const route = handler.match(new URL(c.req.url).pathname);
    if (!route) return next();
    return handler.serve(route, c.req.raw, { ip: ipOf(c), native: c });
  };
  return Object.assign(middleware, { handler });
}

function nodeSocketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
