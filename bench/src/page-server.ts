import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

/** The origin the bucket CORS allows (`http://127.0.0.1:*`). */
export interface PageServer {
  origin: string;
  /** `/<name>.html`: a file input and the contender's bundle. */
  pageUrl(name: string): string;
  /** Answers `POST /credentials`; set per round (credentials change when the backend restarts). */
  credentials: () => Promise<unknown>;
  /** How many times `/credentials` was asked (the time-to-first-byte benchmark checks its cache). */
  credentialRequests: number;
  /** Every file the server answered with, in order (the bundle benchmark's record of what a page fetched). */
  served: { path: string; dir: string; bytes: number }[];
  /**
   * Adds a page `/<name>.html` that loads `scripts` (module scripts, in order) and serves
   * files from `dir` too.
   */
  addPage(name: string, dir: string, scripts: string[]): void;
  close(): Promise<void>;
}

function html(name: string, scripts: string[] = [`/${name}.js`]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title>
<script>window.benchErrors=[];addEventListener('error',(e)=>benchErrors.push(String(e.message)));addEventListener('unhandledrejection',(e)=>benchErrors.push(String(e.reason)));</script>
</head><body><input type="file" id="file">${scripts.map((src) => `<script type="module" src="${src}"></script>`).join('')}</body></html>`;
}

/**
 * A small static server on 127.0.0.1 for the contenders' bundles, plus the token
 * server's `/credentials` answer, so every page is same-origin with its credentials and
 * cross-origin with S3 (as in production).
 */
export async function startPageServer(bundleDirs: Record<string, string>): Promise<PageServer> {
  const state: PageServer = {
    origin: '',
    pageUrl: (name) => `${state.origin}/${name}.html`,
    credentials: async () => {
      throw new Error('no credentials configured');
    },
    credentialRequests: 0,
    served: [],
    addPage: (name, dir, scripts) => {
      extraPages[name] = scripts;
      bundleDirs[`page:${name}`] = dir;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const extraPages: Record<string, string[]> = {};
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/credentials') {
        state.credentialRequests++;
        const answer = (await state.credentials()) as Record<string, unknown>;
        // `?checksums=WHEN_SUPPORTED`: the answer a token server gives for AWS, so the page's
        // engine CRCs every part (the checksums benchmark; RGW 16 accepts and ignores them).
        const checksums = url.searchParams.get('checksums');
        const body = JSON.stringify(
          checksums === 'WHEN_SUPPORTED' ? { ...answer, requestChecksumCalculation: checksums } : answer,
        );
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
        return;
      }
      const page = /^\/([\w-]+)\.html$/.exec(url.pathname)?.[1];
      if (page && extraPages[page]) {
        res.writeHead(200, { 'content-type': TYPES['.html']! }).end(html(page, extraPages[page]));
        return;
      }
      if (page && bundleDirs[page]) {
        res.writeHead(200, { 'content-type': TYPES['.html']! }).end(html(page));
        return;
      }
      // Bundles and their chunks: look in every page's output directory.
      const file = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '');
      for (const dir of Object.values(bundleDirs)) {
        const body = await readFile(join(dir, file)).catch(() => null);
        if (body) {
          state.served.push({ path: file, dir, bytes: body.length });
          res
            .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
            .end(body);
          return;
        }
      }
      res.writeHead(404).end('not found');
    } catch (error) {
      res.writeHead(500).end((error as Error).message);
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('page server has no port');
  state.origin = `http://127.0.0.1:${address.port}`;
  return state;
}
