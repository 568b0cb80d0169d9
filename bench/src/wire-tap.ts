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

/** An UploadPart body on its way upstream: what the hold kept of it, and whether it ended. */
interface PartFlow {
  req: IncomingMessage;
  forward: ClientRequest;
  event: WireEvent;
  /** Body bytes held back (from the chunk that crossed the hold on), in order. */
  rest: Buffer[];
  /** The browser sent the whole body. */
  ended: boolean;
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
   * Freezes every UploadPart body at exactly `bytes` of `stats.uploadPartBytes`: the chunk
   * that crosses that byte is split, its bytes up to it counted and forwarded, the rest held
   * with every later body byte (the browser's uploads stall) until {@link release}. A
   * benchmark that reloads the page there measures what the engine had partly sent at that
   * byte, not also what flowed while the page was being reloaded (about 12-16 ms of the link,
   * and more for a page that answers the reload later), nor the rest of the chunk that
   * happened to cross it (chunk sizes differ by page: up to 16 KiB apart between contenders
   * cut at the same point). Called at or below the count already reached, it holds at once.
   */
  holdAt(bytes: number): void;
  /**
   * Lets held bodies flow again: what was held of a body is forwarded (and counted) first,
   * then the rest of it; those of a reloaded page are gone by then.
   */
  release(): void;
  /**
   * Ends a hold by cutting every held part body there: nothing held is forwarded, each held
   * request is closed both ways (the server sees it cut, as when a browser goes). For a
   * reload: the page that sent them is gone, but the tap learns it only by reading their
   * sockets, which it stopped doing at the hold; {@link release} would first forward and
   * count what they had buffered (16-48 KiB a round, differently for each page).
   */
  drop(): void;
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
  const parts = new Set<PartFlow>();

  /** Counts part body bytes that go upstream now (the count is of forwarded bytes only). */
  const passed = (flow: PartFlow, bytes: number) => {
    const stats = tap.stats;
    stats.firstPartByteAt ??= Date.now();
    stats.uploadPartBytes += bytes;
    flow.event.bytes += bytes;
    if (waiters.length > 0 && waiters.some((w) => stats.uploadPartBytes >= w.bytes)) {
      const reached = waiters.filter((w) => stats.uploadPartBytes >= w.bytes);
      waiters = waiters.filter((w) => stats.uploadPartBytes < w.bytes);
      for (const w of reached) w.resolve();
    }
  };
  const hold = () => {
    holding = true;
    for (const flow of parts) flow.req.pause();
  };
  /** Forwards one body chunk, or the part of it below the hold; keeps the rest. */
  const carry = (flow: PartFlow, chunk: Buffer) => {
    if (holding) {
      flow.rest.push(chunk);
      return;
    }
    let pass = chunk;
    if (holdAt !== undefined && tap.stats.uploadPartBytes + chunk.length >= holdAt) {
      const upTo = Math.max(0, holdAt - tap.stats.uploadPartBytes);
      pass = chunk.subarray(0, upTo);
      if (upTo < chunk.length) flow.rest.push(chunk.subarray(upTo));
      hold();
    }
    if (pass.length === 0) return;
    passed(flow, pass.length);
    // Backpressure, as pipe() would: the upstream socket sets the pace, not the tap's memory.
    if (!flow.forward.write(pass)) {
      flow.req.pause();
      flow.forward.once('drain', () => {
        if (!holding) flow.req.resume();
      });
    }
  };
  const flush = (flow: PartFlow) => {
    for (const chunk of flow.rest.splice(0)) {
      passed(flow, chunk.length);
      flow.forward.write(chunk);
    }
    if (flow.ended) flow.forward.end();
  };

  const tap: WireTap = {
    endpoint: '',
    stats: fresh(),
    whenPartBytes: (bytes) =>
      tap.stats.uploadPartBytes >= bytes
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ bytes, resolve })),
    holdAt: (bytes) => {
      holdAt = bytes;
      if (!holding && tap.stats.uploadPartBytes >= bytes) hold();
    },
    release: () => {
      holdAt = undefined;
      holding = false;
      for (const flow of parts) {
        if (flow.req.destroyed) continue;
        flush(flow);
        if (!flow.ended) flow.req.resume();
      }
    },
    drop: () => {
      holdAt = undefined;
      if (!holding) return;
      holding = false;
      // While holding, every open part body is held (a part that started then, too).
      for (const flow of parts) {
        flow.rest.length = 0;
        flow.forward.destroy();
        flow.req.destroy();
      }
      parts.clear();
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
    req.on('data', () => {
      const now = Date.now();
      event.firstByte ??= now;
      event.lastByte = now;
    });
    res.on('finish', () => {
      event.end = Date.now();
    });
    if (kind !== 'PUT part') {
      // A part's bytes are counted as they go upstream (see carry), others as they arrive.
      req.on('data', (chunk: Buffer) => {
        event.bytes += chunk.length;
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
      // Forwarded by hand, not piped: the hold splits the chunk that crosses its byte.
      stats.uploadParts++;
      const flow: PartFlow = { req, forward, event, rest: [], ended: false };
      parts.add(flow);
      req.on('close', () => parts.delete(flow));
      req.on('data', (chunk: Buffer) => carry(flow, chunk));
      req.on('end', () => {
        flow.ended = true;
        // A body whose end came while held ends upstream when released (after its rest).
        if (!holding && flow.rest.length === 0) forward.end();
      });
      // A part that starts while bodies are held waits too.
      if (holding) req.pause();
      return;
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
