import {
  Agent,
  type ClientRequest,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { assertLoopback } from './loopback.js';

/** What crossed the tap since the last `reset()`. */
export interface WireStats {
  /** UploadPart requests seen (including ones cut off by a reload). */
  uploadParts: number;
  /** UploadPart body bytes that reached the tap. */
  uploadPartBytes: number;
  /** Epoch ms of the first UploadPart body byte. */
  firstPartByteAt: number | null;
  /** Every S3 request, by operation-ish label ("PUT part", "POST uploads", ...). */
  requests: Record<string, number>;
  /** Every S3 request in arrival order, with its moments (epoch ms): what the probe draws. */
  timeline: WireEvent[];
}

/** One request through the tap: when its headers, first and last body bytes and answer's end passed. */
export interface WireEvent {
  kind: string;
  partNumber: number | undefined;
  start: number;
  firstByte: number | undefined;
  lastByte: number | undefined;
  end: number | undefined;
  bytes: number;
}

const isAllowedOrigin = (origin: string) => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin);

function label(req: IncomingMessage, url: URL): string {
  if (req.method === 'PUT' && url.searchParams.has('partNumber')) return 'PUT part';
  if (req.method === 'POST' && url.searchParams.has('uploads')) return 'POST uploads';
  if (req.method === 'POST' && url.searchParams.has('uploadId')) return 'POST complete';
  if (req.method === 'GET' && url.searchParams.has('uploadId')) return 'GET parts';
  if (req.method === 'POST' && url.pathname === '/') return 'POST sts';
  return `${req.method} ${url.searchParams.has('uploadId') ? 'upload' : 'object'}`;
}

/**
 * A pass-through HTTP tap on 127.0.0.1 between every contender and the local RGW: it
 * counts the UploadPart bytes that reach the server (resume benchmark) and timestamps the
 * first one (time to first byte). Every contender, the limit included, goes through it so
 * conditions stay equal.
 *
 * It also answers CORS preflights itself, mirroring the bucket's CORS rule: Ceph RGW 16
 * answers the preflight of a presigned URL (query-string SigV4, what Uppy sends) with a
 * bare 403, which AWS S3 does not, and that alone would make Uppy unmeasurable here.
 * The Host header is forwarded unchanged, so SigV4 signatures made for the tap's address
 * verify upstream.
 *
 * @example
 * const tap = await startWireTap(() => backend.current.endpoint);
 * // hand tap.endpoint to the contenders; read tap.stats after the upload
 */
export interface WireTap {
  endpoint: string;
  stats: WireStats;
  /**
   * Resolves as the chunk that takes `stats.uploadPartBytes` to `bytes` arrives (not on the
   * next poll: at 4 MiB/s a 25 ms poll is 100 KiB of play in where a benchmark interrupts).
   */
  whenPartBytes(bytes: number): Promise<void>;
  /**
   * Freezes every UploadPart body at the chunk that takes `stats.uploadPartBytes` to `bytes`:
   * no further body byte is counted or forwarded (the browser's uploads stall) until
   * {@link release}. A benchmark that reloads the page there measures what the engine had
   * partly sent at that byte, not also what flowed while the page was being reloaded (about
   * 12-16 ms of the link, and more for a page that answers the reload later).
   */
  holdAt(bytes: number): void;
  /** Lets held bodies flow again (those of a reloaded page are gone by then). */
  release(): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startWireTap(upstream: () => string): Promise<WireTap> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const fresh = (): WireStats => ({
    uploadParts: 0,
    uploadPartBytes: 0,
    firstPartByteAt: null,
    requests: {},
    timeline: [],
  });
  let waiters: { bytes: number; resolve: () => void }[] = [];
  let holdAt: number | undefined;
  let holding = false;
  const held = new Set<{ req: IncomingMessage; forward: ClientRequest }>();
  const parts = new Set<{ req: IncomingMessage; forward: ClientRequest }>();
  const tap: WireTap = {
    endpoint: '',
    stats: fresh(),
    whenPartBytes: (bytes) =>
      tap.stats.uploadPartBytes >= bytes
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ bytes, resolve })),
    holdAt: (bytes) => {
      holdAt = bytes;
    },
    release: () => {
      holdAt = undefined;
      holding = false;
      for (const flow of held) {
        if (!flow.req.destroyed) {
          flow.req.pipe(flow.forward);
          flow.req.resume();
        }
      }
      held.clear();
    },
    reset: () => {
      tap.release();
      tap.stats = fresh();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };

  const preflight = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin ?? '';
    if (!isAllowedOrigin(origin)) {
      res.writeHead(403).end();
      return;
    }
    res
      .writeHead(200, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, PUT, POST, HEAD, DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-expose-headers': 'ETag, x-amz-request-id, x-amz-version-id',
        'access-control-max-age': '3000',
        vary: 'Origin',
      })
      .end();
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://tap');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      preflight(req, res);
      return;
    }
    const kind = label(req, url);
    const stats = tap.stats;
    stats.requests[kind] = (stats.requests[kind] ?? 0) + 1;
    const partNumber = url.searchParams.get('partNumber');
    const event: WireEvent = {
      kind,
      partNumber: partNumber === null ? undefined : Number(partNumber),
      start: Date.now(),
      firstByte: undefined,
      lastByte: undefined,
      end: undefined,
      bytes: 0,
    };
    stats.timeline.push(event);
    req.on('data', (chunk: Buffer) => {
      const now = Date.now();
      event.firstByte ??= now;
      event.lastByte = now;
      event.bytes += chunk.length;
    });
    res.on('finish', () => {
      event.end = Date.now();
    });
    if (kind === 'PUT part') {
      stats.uploadParts++;
      req.on('data', (chunk: Buffer) => {
        stats.firstPartByteAt ??= Date.now();
        stats.uploadPartBytes += chunk.length;
        if (!holding && holdAt !== undefined && stats.uploadPartBytes >= holdAt) {
          // This chunk still goes through (pipe forwards it); nothing after it does.
          holding = true;
          for (const flow of parts) {
            flow.req.unpipe(flow.forward);
            flow.req.pause();
            held.add(flow);
          }
        }
        if (waiters.length > 0 && waiters.some((w) => stats.uploadPartBytes >= w.bytes)) {
          const reached = waiters.filter((w) => stats.uploadPartBytes >= w.bytes);
          waiters = waiters.filter((w) => stats.uploadPartBytes < w.bytes);
          for (const w of reached) w.resolve();
        }
      });
    }
    const target = assertLoopback(upstream(), 'the S3 endpoint');
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // A page reload cuts the browser's side: cut the upstream request too.
    req.on('aborted', () => forward.destroy());
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    if (kind === 'PUT part') {
      const flow = { req, forward };
      parts.add(flow);
      req.on('close', () => parts.delete(flow));
      if (holding) {
        // A part that starts while bodies are held waits too.
        req.pause();
        held.add(flow);
        return;
      }
    }
    req.pipe(forward);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the wire tap has no port');
  tap.endpoint = `http://127.0.0.1:${address.port}`;
  return tap;
}
