import { serve } from '@hono/node-server';
import { configFromEnv } from '@s3up/token-server';
import { createApp } from './app.js';

// Configured from the same S3UP_* variables as the standalone bin (see the token server README).
const { options, port, host } = configFromEnv(process.env);
const { app } = createApp(options);
serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`hono + s3up on http://${host}:${info.port}/s3up/credentials`);
});
