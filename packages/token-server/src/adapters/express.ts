import express, { type Request as ExpressRequest, type Router } from 'express';
import type { RouteName } from '../handler/context.js';
import {
  type Answerer,
  answererOf,
  createTokenHandler,
  type TokenHandler,
} from '../handler/create-token-handler.js';
import type { RateLimitOptions, TokenHandlerOptions } from '../handler/options.js';
import { readNodeRequest, writeAnswer } from './node-io.js';

export type { RateLimitOptions };

/** The options of {@link createTokenRouter}: those of the core (`basePath` is where you mount the router). */
export type TokenRouterOptions = TokenHandlerOptions;

/**
 * The token service as an Express 5 router: `POST /credentials`, `POST /presign`,
 * `POST /uploads`, `GET /healthz`. Mount it anywhere; it sets its own CORS, `no-store`,
 * body limit, rate limits and JSON errors, and writes the audit log.
 */
export type TokenRouter = Router & {
  /** See {@link TokenHandler.clearCache}. */
  clearCache(userId?: string): Promise<void>;
  /** The Fetch core underneath. */
  readonly handler: TokenHandler;
};

/**
 * Express adapter over the Fetch core ({@link createTokenHandler}): only the service's own
 * paths are handled, so mounting it at `/` adds nothing to the host app's other routes.
 * The client IP is Express's `req.ip` (set `trust proxy` behind a balancer); an
 * authenticator gets Express's `req` as `native`, so it can read the host's session.
 *
 * @example
 * ```ts
 * const app = express();
 * app.set('trust proxy', 1); // behind one load balancer: the client IP for rate limits and the log
 * app.use('/s3up', createTokenRouter({
 *   bucket: 'my-uploads', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/s3up-uploader',
 *   authenticate: jwtAuthenticator({ jwksUrl: 'https://id.example.com/.well-known/jwks.json', issuer: 'https://id.example.com', audience: 's3up' }),
 *   allowedOrigins: ['https://app.example.com'],
 * }));
 * ```
 */
export function createTokenRouter(options: TokenRouterOptions): TokenRouter {
  const handler = createTokenHandler(options);
  const answer = answererOf(handler);
  const router = express.Router();
  // One layer for the service's four paths, matched by the core's own route table, instead
  // of one Express route each: Express then walks one layer and no Route dispatch per request
  // (issue 21: Express's router is most of what it adds to a cached answer). The match is
  // what `router.all(path)` did: any method, case-insensitive, one trailing slash allowed.
  router.use(function s3upTokenRoutes(req, res, next) {
    const route = handler.route(req.path.toLowerCase());
    if (route === undefined) {
      next();
      return;
    }
    serveExpress(answer, route, req)
      .then((answered) => writeAnswer(answered, res))
      .catch(next);
  });
  return Object.assign(router, {
    handler,
    clearCache: (userId?: string) => handler.clearCache(userId),
  });
}

async function serveExpress(answer: Answerer, route: RouteName, req: ExpressRequest) {
  // Built only if read (an Origin to compare, an authenticator reading `url`).
  const url = () => `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
  // A host-wide express.json() already consumed the stream: use what it parsed.
  const call = await readNodeRequest(req, url, req.body === undefined ? undefined : { body: req.body });
  return answer(route, call, { ip: clientIp(req), native: req });
}

/**
 * Express's `req.ip`, without its cost when `trust proxy` is off (Express's default): then
 * `req.ip` is the socket address, yet Express parses X-Forwarded-For on every read to find
 * that out (a twentieth of a cached request's CPU through Express, issue 21's profile).
 */
function clientIp(req: ExpressRequest): string | undefined {
  return req.app.get('trust proxy') === false ? req.socket.remoteAddress : req.ip;
}
