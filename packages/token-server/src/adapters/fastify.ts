import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RouteName } from '../handler/context.js';
import {
  answererOf,
  createTokenHandler,
  TOKEN_ROUTES,
  type TokenHandler,
} from '../handler/create-token-handler.js';
import type { TokenHandlerOptions } from '../handler/options.js';
import { readNodeRequest } from './node-io.js';

/**
 * A Fastify plugin serving the token routes; register it with a `prefix` (where it
 * lives). It is encapsulated: its raw-body parser (the core enforces the 16 KiB JSON limit
 * itself) does not touch the host's other routes. The client IP is Fastify's `request.ip`
 * (set `trustProxy` on the Fastify instance behind a balancer); the authenticator gets
 * Fastify's `request` as `native`.
 *
 * @example
 * ```ts
 * const app = Fastify({ trustProxy: 1 });
 * await app.register(s3upFastify({ bucket, region, roleArn, authenticate: jwtAuthenticator(jwt) }), { prefix: '/s3up' });
 * ```
 */
export function s3upFastify(options: TokenHandlerOptions): FastifyPluginAsync & { handler: TokenHandler } {
  const handler = createTokenHandler(options);
  const answer = answererOf(handler);
  const plugin: FastifyPluginAsync = async (fastify) => {
    fastify.removeAllContentTypeParsers();
    // Leave the body unread: readNodeRequest reads at most the limit from the raw stream.
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    for (const [path, route] of Object.entries(TOKEN_ROUTES) as [string, RouteName][]) {
      fastify.route({
        method: ['GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'],
        url: path,
        handler: async (request, reply) => {
          const answered = await answer(route, await coreRequest(request), {
            ip: request.ip,
            native: request,
          });
          reply.code(answered.status);
          reply.headers(answered.headers);
          return reply.send(answered.text);
        },
      });
    }
  };
  return Object.assign(plugin, { handler });
}

function coreRequest(request: FastifyRequest) {
  return readNodeRequest(request.raw, `${request.protocol}://${request.host}${request.url}`);
}
