import type { TokenHandlerOptions } from '@s3up/token-server';
import { s3upHono } from '@s3up/token-server/hono';
import { Hono } from 'hono';

/**
 * A Hono app that hosts the s3up token endpoint under /s3up beside its own routes. The
 * options are the token server's (bucket, role, authenticator...), the same for every host.
 */
export function createApp(options: TokenHandlerOptions) {
  const app = new Hono();
  const s3up = s3upHono({ ...options, basePath: '/s3up' });
  app.use('/s3up/*', s3up);
  app.get('/', (c) => c.text('Your app; the upload credentials live at POST /s3up/credentials.'));
  return { app, handler: s3up.handler };
}
