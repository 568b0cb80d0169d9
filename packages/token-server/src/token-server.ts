import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createTokenRouter, type TokenRouterOptions } from './token-router.js';

export interface TokenServerOptions extends TokenRouterOptions {
  /**
   * Express `trust proxy`. Default false: the socket address is the client. Behind one
   * load balancer set 1, or rate limits and the audit log see only the balancer's IP.
   */
  trustProxy?: boolean | number | string;
  /** Where the router is mounted. Default `/`. */
  basePath?: string;
}

export interface RunningTokenServer {
  /** `http://host:port` (plus basePath). */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface TokenServer {
  app: Express;
  /** Forgets cached credentials (one user's or all); see TokenRouter.clearCache. */
  clearCache(userId?: string): Promise<void>;
  /** Listens on `port` (default 0: a free one) and `host` (default 127.0.0.1: not exposed unless asked). */
  listen(port?: number, host?: string): Promise<RunningTokenServer>;
}

/**
 * A standalone token service: an Express app with only the token router, JSON 404s and
 * no `X-Powered-By`.
 *
 * @example
 * ```ts
 * const { listen } = createTokenServer({ bucket, region, roleArn, authenticate: jwtAuthenticator({ secret, issuer, audience }) });
 * const running = await listen(8787, '0.0.0.0');
 * console.log(running.url); // http://0.0.0.0:8787
 * await running.close();
 * ```
 */
export function createTokenServer(options: TokenServerOptions): TokenServer {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  const base = options.basePath ?? '/';
  const router = createTokenRouter(options);
  app.use(base, router);
  app.use((_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint: see openapi.yaml.' } });
  });
  return {
    app,
    clearCache: (userId) => router.clearCache(userId),
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server = app.listen(port, host);
        server.once('error', reject);
        server.once('listening', () => {
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({
            url: `http://${shownHost}:${address.port}${base === '/' ? '' : base}`,
            port: address.port,
            server,
            close: () =>
              new Promise<void>((done, fail) => {
                // Graceful: finish requests in flight, drop idle keep-alive sockets at once,
                // and cut whatever is left after 5 s.
                server.close((error) => (error ? fail(error) : done()));
                server.closeIdleConnections();
                setTimeout(() => server.closeAllConnections(), 5000).unref();
              }),
          });
        });
      });
    },
  };
}
