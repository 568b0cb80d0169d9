// The shared harness of the framework examples (examples/react, nextjs, vue, svelte...):
// build the example as its users would (vite build, next build), serve it beside the run's
// real token server and the local backend, drive Debian's Chromium through a real upload,
// wait for the success to show in the framework's own state, and read the object back.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type Logger } from 'vite';
import { chromiumArgs, chromiumPath } from './chromium.js';
import { s3Client } from './clients.js';
import { mintToken } from './jwt.js';
import { type LocalS3, localS3Env } from './local-s3.js';
import { freePort } from './ports.js';
import type { ProvidedTokenServer } from './provided-token-server.js';

/**
 * The cookie that carries the signed-in user's token (a JWT from the run's token server's
 * settings), as an app's session cookie would. Examples never read it themselves: a vite
 * app's `/s3up/*` requests go through the harness's proxy, which turns it into
 * `Authorization: Bearer` for the token server; a Next.js app's own route handler reads it
 * (`S3UP_JWT_COOKIE`).
 */
export const SESSION_COOKIE = 's3up_session';

export interface ExampleAppOptions {
  /** The example's package directory (holds its package.json and build config). */
  dir: string;
  /**
   * `vite`: `vite build` (the example's vite.config) into a temporary directory, served by
   * a static server here that proxies `/s3up/*` to the token server. `next`: the
   * example's `build` script (`next build ...`), then `next start` with the local backend's `S3UP_*` variables; the
   * app hosts the token route itself.
   */
  kind: 'vite' | 'next';
  local: LocalS3;
  /** The run's token server: `inject('tokenServer')`. */
  tokenServer: ProvidedTokenServer;
  /** More environment for the build and the server (next). */
  env?: Record<string, string>;
}

export interface ExampleApp {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** What the build printed (for a failing test's message). */
  buildLog: string;
  /** Stops the server (and `next start`), removes the build output of a vite build. */
  close(): Promise<void>;
}

/** Builds and serves an example; see `ExampleAppOptions.kind`. */
export async function startExampleApp(options: ExampleAppOptions): Promise<ExampleApp> {
  if (!existsSync(join(options.dir, 'package.json'))) {
    throw new Error(`startExampleApp: ${options.dir} holds no package.json; pass the example's directory`);
  }
  return options.kind === 'vite' ? startViteApp(options) : startNextApp(options);
}

async function startViteApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const outDir = mkdtempSync(join(tmpdir(), 's3up-example-'));
  const lines: string[] = [];
  // vite builds for development when NODE_ENV says so, and vitest sets it to `test`: the
  // examples are checked as they ship (Lit, React in production mode).
  // (Through a plain record: Next.js's types, loaded with a next example, make NODE_ENV read-only.)
  const env = process.env as Record<string, string | undefined>;
  const nodeEnv = env.NODE_ENV;
  env.NODE_ENV = 'production';
  try {
    await build({
      root: options.dir,
      mode: 'production',
      logLevel: 'warn',
      customLogger: bufferLogger(lines),
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    env.NODE_ENV = nodeEnv;
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/s3up/')) void proxyToTokenServer(req, res, options.tokenServer.url + path.slice(5));
    else serveStatic(outDir, path, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    buildLog: lines.join('\n'),
    close: async () => {
      await closeServer(server);
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function bufferLogger(lines: string[]): Logger {
  const seen = new Set<string>();
  return {
    hasWarned: false,
    info: (msg) => lines.push(msg),
    warn: (msg) => lines.push(msg),
    warnOnce: (msg) => {
      if (!seen.has(msg)) lines.push(msg);
      seen.add(msg);
    },
    error: (msg) => lines.push(msg),
    clearScreen: () => {},
    hasErrorLogged: () => false,
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

function serveStatic(root: string, path: string, res: ServerResponse): void {
  let file = normalize(join(root, decodeURIComponent(path)));
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(403).end();
    return;
  }
  // A single-page app: unknown paths get index.html.
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

/**
 * The app's backend in front of the token server: it forwards `/s3up/*` and turns the
 * session cookie into the bearer token the token server verifies.
 */
async function proxyToTokenServer(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const name of ['content-type', 'origin', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const session = cookieOf(req.headers.cookie, SESSION_COOKIE);
    if (session) headers.set('authorization', `Bearer ${session}`);
    const answer = await fetch(target, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding')
        out[name] = value;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  } catch (error) {
    res
      .writeHead(502, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'bad_gateway', message: String(error) } }));
  }
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

async function startNextApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const next = createRequire(join(options.dir, 'package.json')).resolve('next/dist/bin/next');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { jwt } = options.tokenServer;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...localS3Env(options.local),
    S3UP_JWT_SECRET: jwt.secret,
    S3UP_JWT_ISSUER: jwt.issuer,
    S3UP_JWT_AUDIENCE: jwt.audience,
    S3UP_JWT_COOKIE: SESSION_COOKIE,
    S3UP_ALLOWED_ORIGINS: url,
    // As the run's token server that vite examples use: after each upload the engine checks
    // the stored size with read-scope credentials, which a server offering only `upload`
    // refuses (a 403 in the console, and the check skipped).
    S3UP_SCOPES: 'upload,read',
    NEXT_TELEMETRY_DISABLED: '1',
    ...options.env,
  };
  // vitest's own NODE_ENV ('test') would make `next build` warn and change its output.
  delete env.NODE_ENV;
  // S3UP_EXAMPLE_REUSE_BUILD=1 (while working on a test, never in CI) starts the last build.
  const reuse =
    process.env.S3UP_EXAMPLE_REUSE_BUILD === '1' && existsSync(join(options.dir, '.next', 'BUILD_ID'));
  // S3UP_NEXT_BUILD_CACHE=off: no webpack cache written for a build nothing rebuilds (an
  // example's next.config reads it; the built app is the same).
  const buildLog = reuse
    ? ''
    : await run(process.execPath, [next, ...nextBuildArgs(options.dir)], options.dir, {
        ...env,
        S3UP_NEXT_BUILD_CACHE: 'off',
      });
  const server = spawn(process.execPath, [next, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: options.dir,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  server.stdout?.on('data', (d) => output.push(String(d)));
  server.stderr?.on('data', (d) => output.push(String(d)));
  await untilAnswers(url, server, output);
  return {
    url,
    buildLog: `${buildLog}\n${output.join('')}`,
    close: async () => {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
    },
  };
}

/** The example's own `build` script (`next build --webpack`, say), run with the pinned next. */
function nextBuildArgs(dir: string): string[] {
  const script = (
    JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: { build?: string } }
  ).scripts?.build;
  const words = (script ?? 'next build').trim().split(/\s+/);
  if (words[0] !== 'next' || words[1] !== 'build') {
    throw new Error(
      `startExampleApp: the build script of ${dir} is "${script}"; a next example builds with "next build ..."`,
    );
  }
  return words.slice(1);
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(log)
        : reject(new Error(`${args.slice(1).join(' ')} failed (exit ${code}):\n${log}`)),
    );
  });
}

async function untilAnswers(url: string, child: ChildProcess, output: string[]): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`next start exited (${child.exitCode}):\n${output.join('')}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      // Not listening yet: the output says when it is, but polling the port is simpler and exact.
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// --- driving an example in Chromium -------------------------------------------------------

export interface ExampleBrowser {
  browser: Browser;
  /** A new page signed in as `user` (the session cookie set for the app's origin). */
  page(app: ExampleApp, user: string): Promise<ExamplePage>;
  close(): Promise<void>;
}

export interface ExamplePage {
  page: Page;
  context: BrowserContext;
  /**
   * Console errors and warnings, uncaught page errors and failed requests, as
   * `error: ...`, `warning: ...`, `pageerror: ...`: a clean page leaves it empty (React's
   * hydration warnings, a duplicate custom-element definition and a 404 all show here).
   */
  problems: string[];
}

export async function launchExampleBrowser(jwt: ProvidedTokenServer['jwt']): Promise<ExampleBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  return {
    browser,
    async page(app, user) {
      const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
      const token = await mintToken(jwt, user, { expiresIn: '10m' });
      await context.addCookies([
        { name: SESSION_COOKIE, value: token, url: app.url, httpOnly: true, sameSite: 'Lax' },
      ]);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          const where = message.location().url;
          problems.push(`${message.type()}: ${message.text()}${where ? ` (${where})` : ''}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('requestfailed', (request) =>
        problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
      );
      return { page, context, problems };
    },
    close: () => browser.close(),
  };
}

export interface UploadThroughPageOptions {
  local: LocalS3;
  /** The file the user picks. */
  name: string;
  bytes: Uint8Array;
  mimeType?: string;
  /** Path of the page that shows the uploader. Default `/`. */
  path?: string;
  timeoutMs?: number;
}

export interface UploadThroughPageResult {
  /** The key the framework's state holds (`[data-uploaded-key]`). */
  key: string;
  /** The object's bytes as S3 holds them, read with the token service's own keys. */
  stored: Buffer;
  /** The `<progress data-upload-progress>` the app drives from progress events: its value and max at the end. */
  progress: { value: number; max: number };
}

/**
 * What every framework example's page does, checked the same way: open the page and wait
 * until the framework has given `<s3-upload>` its `endpoint` (hydrated, for a server
 * render); pick a file in the element's own file input; wait for the app to show the
 * stored key from its own state in an element with `data-uploaded-key`; read the
 * `<progress data-upload-progress>` it drives from progress events; read the object back
 * from the bucket.
 */
export async function uploadThroughPage(
  target: ExamplePage,
  app: ExampleApp,
  options: UploadThroughPageOptions,
): Promise<UploadThroughPageResult> {
  const { page } = target;
  const timeout = options.timeoutMs ?? 30_000;
  await page.goto(app.url + (options.path ?? '/'));
  await page.waitForFunction(
    () => {
      const el = document.querySelector('s3-upload') as (HTMLElement & { endpoint?: string }) | null;
      return Boolean(customElements.get('s3-upload') && el?.shadowRoot && el.endpoint);
    },
    undefined,
    { timeout },
  );
  await page
    .locator('s3-upload input[type=file]')
    .first()
    .setInputFiles({
      name: options.name,
      mimeType: options.mimeType ?? 'application/octet-stream',
      buffer: Buffer.from(options.bytes),
    });
  const shown = page.locator('[data-uploaded-key]').first();
  await shown.waitFor({ timeout });
  const key = (await shown.getAttribute('data-uploaded-key')) ?? '';
  const progress = await page
    .locator('progress[data-upload-progress]')
    .first()
    .evaluate(
      (el) => ({ value: (el as HTMLProgressElement).value, max: (el as HTMLProgressElement).max }),
      undefined,
      {
        timeout,
      },
    );
  const s3 = s3Client(options.local, options.local.service);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: options.local.bucket, Key: key }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    return { key, stored, progress };
  } finally {
    s3.destroy();
  }
}
