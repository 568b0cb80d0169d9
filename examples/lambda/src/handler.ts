import { configFromEnv } from '@s3up/token-server';
import { createLambdaHandler } from '@s3up/token-server/lambda';

// Module scope: one handler per execution environment, so the credential cache survives
// between invocations. The function's environment holds the S3UP_* variables; its role
// needs sts:AssumeRole on S3UP_ROLE_ARN (role chaining: set S3UP_ROLE_CHAINING=true).
let cached: ReturnType<typeof createLambdaHandler> | undefined;

export const handler = (event: Parameters<ReturnType<typeof createLambdaHandler>>[0]) => {
  cached ??= createLambdaHandler({ ...configFromEnv(process.env).options, basePath: '/s3up' });
  return cached(event);
};
