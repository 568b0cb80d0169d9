import { configFromEnv } from '@s3up/token-server';
import { createApp } from './app.js';

const { options, port, host } = configFromEnv(process.env);
const { app } = await createApp(options);
const address = await app.listen({ port, host });
console.log(`fastify + s3up on ${address}/s3up/credentials`);
