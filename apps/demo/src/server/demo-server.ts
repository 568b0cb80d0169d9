import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { AuditBuffer } from './audit-buffer.js';
import type { BackendConfig } from './backend-config.js';
import { DemoError, isDemoError } from './demo-error.js';
import { DEMO_USERS, SessionSigner } from './demo-users.js';
import { createWebApp } from './web-app.js';

/** What the demo server needs to mount the token server (see token-service.ts). */
export type TokenServiceFactory = (input: {
  backend: BackendConfig;
  authSecret: string;
  audit: AuditBuffer;
}) => TokenService | Promise<TokenService>;

export interface TokenService {
  /** Serves `POST /credentials`, `POST /presign`; mounted under `/api`. */
  router: RequestHandler;
  /** The longest share link it signs (the page offers no more). */
  shareMaxSeconds: number;
}

export interface DemoServerOptions {
  backend: BackendConfig;
  /** Builds the token server's router; the demo mounts it under `/api`. */
  tokenService: TokenServiceFactory;
  /**
   * HS256 secret shared by the demo's sign-in and the token server's JWT authenticator.
   * Default: 48 random bytes per process, which is all the local backend needs.
   */
  authSecret?: string;
  /** Default 0 (a free port): tests run several demos at once. */
  port?: number;
  /**
   * Default `127.0.0.1`: the demo hands out credentials to anyone who types a name, so it
   * must not be reachable from the network unless you mean it.
   */
  host?: string;
  /** Serve the web app through Vite. Default true; false for API-only tests. */
  web?: boolean;
  /** Also write audit lines here (the terminal). Default: only the operator panel. */
  auditTee?: { write(line: string): unknown };
  /** JWT lifetime in seconds. Default 900 (see SessionSigner). */
  sessionTtlSeconds?: number;
  /** Vite's dependency cache. Default apps/demo/node_modules/.vite. */
  viteCacheDir?: string;
}

export interface DemoServer {
  /** e.g. http://127.0.0.1:5173 */
  url: string;
  audit: AuditBuffer;
  close(): Promise<void>;
}

const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The photo-sharing demo: sign-in (a short JWT), the token server under `/api`, the audit
 * lines for the operator panel, and the Vite app, on one origin so that no CORS is needed
 * between the page and its API.
 *
 * @example
 * const demo = await startDemoServer({ backend: localBackend(local), tokenService });
 * console.log(demo.url);
 * await demo.close();
 */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  const authSecret = options.authSecret ?? randomBytes(48).toString('base64url');
  const audit = new AuditBuffer(options.auditTee ? { tee: options.auditTee } : {});
  const signer = new SessionSigner({
    secret: authSecret,
    ...(options.sessionTtlSeconds ? { ttlSeconds: options.sessionTtlSeconds } : {}),
  });
  const tokenService = await options.tokenService({ backend: options.backend, authSecret, audit });

  const app = express();
  app.disable('x-powered-by');
  const http: Server = createHttpServer(app);

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.post('/session', express.json({ limit: '2kb' }), async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as { user?: unknown; name?: unknown };
      res.json(await signer.signIn(body.user, body.name));
    } catch (error) {
      next(error);
    }
  });
  api.get('/config', (_req, res) => {
    res.json({
      backend: options.backend.kind,
      bucket: options.backend.bucket,
      region: options.backend.region,
      users: DEMO_USERS,
      shareMaxSeconds: tokenService.shareMaxSeconds,
    });
  });
  api.get('/audit', (req, res) => {
    const after = Number(req.query.after ?? 0);
    res.json({ entries: audit.since(Number.isFinite(after) ? after : 0), lastSeq: audit.lastSeq });
  });
  api.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  api.use(tokenService.router);
  app.use('/api', api);
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such demo API route.' } });
  });

  const errors: ErrorRequestHandler = (error, _req, res, _next) => {
    if (isDemoError(error) && error.code === 'sign-in') {
      res.status(400).json({ error: { code: 'bad_request', message: error.message } });
      return;
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'bad_request', message: 'The request could not be read.' } });
      return;
    }
    res
      .status(500)
      .json({ error: { code: 'internal', message: 'The demo server failed; see its terminal.' } });
  };
  app.use(errors);

  let closeWeb: () => Promise<void> = async () => {};
  if (options.web !== false) {
    const web = await createWebApp({
      httpServer: http,
      root: join(appRoot, 'src', 'web'),
      cacheDir: options.viteCacheDir ?? join(appRoot, 'node_modules', '.vite'),
    });
    app.use(web.middlewares);
    closeWeb = web.close;
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', (error) =>
      reject(
        new DemoError(
          'config',
          `The demo server could not listen on port ${options.port ?? 0}: ${error.message}`,
          {
            cause: error,
          },
        ),
      ),
    );
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    audit,
    async close() {
      await closeWeb();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
