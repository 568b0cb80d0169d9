import { configFromEnv } from '@s3up/token-server';
import { createNextRouteHandlers, type NextRouteHandlers } from '@s3up/token-server/next';

// POST /api/s3up/credentials, /presign, /uploads and GET /api/s3up/healthz, configured from
// the S3UP_* variables (bucket, role, S3UP_JWT_* with S3UP_JWT_COOKIE: the session cookie
// the app already sets). Made on the first request rather than at import: `next build`
// imports this module to collect its route config, without the server's variables.
let handlers: NextRouteHandlers | undefined;
function s3up(): NextRouteHandlers {
  handlers ??= createNextRouteHandlers({ ...configFromEnv(process.env).options, basePath: '/api/s3up' });
  return handlers;
}

export const GET = (request: Request) => s3up().GET(request);
export const POST = (request: Request) => s3up().POST(request);
export const OPTIONS = (request: Request) => s3up().OPTIONS(request);
