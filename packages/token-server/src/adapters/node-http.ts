import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import proxyaddr from 'proxy-addr';
import {
  answererOf,
  createTokenHandler,
  NOT_FOUND,
  type TokenHandler,
} from '../handler/create-token-handler.js';
import type { TokenHandlerOptions } from '../handler/options.js';
import { readNodeRequest, writeAnswer } from './node-io.js';

export interface TokenServerOptions extends TokenHandlerOptions {
  /**
   * Which proxies' `X-Forwarded-For` to believe, as Express's `trust proxy`: false (default:
   * the socket address is the client), a hop count (1 behind one load balancer), true
   * (every hop: only when nothing can reach the server directly), or a list of proxy
   * addresses / `loopback`, `linklocal`, `uniquelocal`. Wrong here, rate limits and the
   * audit log see the balancer's IP, or a client's forged one.
   */
  trustProxy?: boolean | number | string;
}

export interface RunningTokenServer {
  /** `http://host:port` (plus basePath). */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, finishes requests in flight, then flushes the audit log. */
  close(): Promise<void>;
}

export interface TokenServer {
  /** The Node request listener: `http.createServer(app)`, or supertest's `request(app)`. */
  app: (req: IncomingMessage, res: ServerResponse) => void;
  /** The Fetch core underneath. */
  handler: TokenHandler;
  /** Forgets cached credentials (one user's or all); see TokenHandler.clearCache. */
  clearCache(userId?: string): Promise<void>;
  /** Listens on `port` (default 0: a free one) and `host` (default 127.0.0.1: not exposed unless asked). */
  listen(port?: number, host?: string): Promise<RunningTokenServer>;
}

/**
 * A standalone token service on Node's `http` (no framework): the Fetch core, JSON 404s
 * elsewhere. The bin `s3up-token-server` runs this.
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
  const { trustProxy, ...core } = options;
  const handler = createTokenHandler(core as TokenHandlerOptions, ['trustProxy']);
  const answer = answererOf(handler);
  const clientIp = ipResolver(trustProxy ?? false);
  const app = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    readNodeRequest(req, `http://${req.headers.host ?? 'localhost'}${path}`)
      .then((call) => {
        // The path as the Fetch handler matches it: normalized by the URL parser (dot segments).
        const route = handler.match(new URL(`http://localhost${path}`).pathname);
        return route ? answer(route, call, { ip: clientIp(req), native: req }) : NOT_FOUND;
      })
      .then((answered) => writeAnswer(answered, res))
      .catch(() => {
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  };
  const base = handler.basePath;
  return {
    app,
    handler,
    clearCache: (userId) => handler.clearCache(userId),
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server = createServer(app);
        server.listen(port, host);
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
                // and cut whatever is left after 5 s; then write every pending audit line.
                server.close((error) => {
                  handler.close();
                  const flushed = handler.audit.flush?.() ?? Promise.resolve();
                  flushed.then(
                    () => (error ? fail(error) : done()),
                    (flushError: unknown) => fail(error ?? flushError),
                  );
                });
                server.closeIdleConnections();
                setTimeout(() => server.closeAllConnections(), 5000).unref();
              }),
          });
        });
      });
    },
  };
}

/** The client address as Express computes it for the same `trust proxy` value (proxy-addr). */
export function ipResolver(trust: boolean | number | string): (req: IncomingMessage) => string | undefined {
  if (trust === false || trust === 0) return (req) => req.socket.remoteAddress;
  const fn =
    trust === true
      ? () => true
      : typeof trust === 'number'
        ? (_address: string, hop: number) => hop < trust
        : proxyaddr.compile(trust.split(',').map((s) => s.trim()));
  return (req) => proxyaddr(req, fn);
}
