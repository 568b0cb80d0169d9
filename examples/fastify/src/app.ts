import type { TokenHandlerOptions } from '@s3up/token-server';
import { s3upFastify } from '@s3up/token-server/fastify';
import Fastify from 'fastify';

/** A Fastify app with the s3up token endpoint registered as a plugin under /s3up. */
export async function createApp(options: TokenHandlerOptions) {
  // Behind one load balancer use trustProxy: 1, so rate limits and the audit log see clients.
  const app = Fastify({ trustProxy: false });
  const plugin = s3upFastify(options);
  await app.register(plugin, { prefix: '/s3up' });
  // The host app's own JSON route still gets Fastify's JSON parser: the plugin is encapsulated.
  app.post('/echo', async (request) => ({ youSent: request.body }));
  return { app, handler: plugin.handler };
}
