import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { partNumberOf, s3Operation, uploadIdOf } from './s3-operation.js';

/** What the proxy saw of one request: enough to count S3 and STS operations on the wire. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** STS/IAM: the `Action` of a form-encoded POST; S3: the operation read from method and query. */
  operation: string;
  /** S3: the `uploadId` and `partNumber` query parameters, null when absent. */
  uploadId: string | null;
  partNumber: number | null;
  headers: IncomingMessage['headers'];
  /** Body bytes received so far (all of them once the request ended). */
  bodyBytes: number;
  /** Form-encoded bodies (STS) only, for assertions on parameters. */
  form?: URLSearchParams;
  /** The status the client was answered (faulted or forwarded); unset until then. */
  status?: number;
}

/**
 * What to do with one request: `undefined` forwards it untouched; otherwise answer with a
 * status and body, wait first, forward at once but hold the answer (a slow transfer whose
 * request was authenticated on arrival), forward it and cut the connection instead of
 * answering (the server acted, the client never hears: a crash before the answer), forward it
 * and change a 200 answer's body (`rewrite`: a real answer turned into the one a test needs,
 * e.g. the token server's with S3 pointed at another proxy), cut the connection, or hang
 * until the client gives up.
 */
export type Fault =
  | undefined
  | { status: number; body?: string; headers?: Record<string, string> }
  | { delayMs: number }
  | { delayAnswerMs: number }
  | { dropAnswer: true }
  | { rewrite: (body: string) => string }
  | { destroy: true }
  | { hang: true };

/** Decides a request's fault; `seen` lists earlier requests (this one is last). */
export type FaultRule = (request: SeenRequest, seen: readonly SeenRequest[]) => Fault | Promise<Fault>;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of the real backend, for the faults a
 * real server cannot produce on demand (a 500 on part 3, STS throttling, a dropped
 * connection). Every request it sees is recorded, so tests count calls on the wire; with
 * no rule it is a counting proxy. Bodies stream through (STS and IAM forms excepted), so
 * signatures and session expiry are checked when the request arrives, as without it.
 *
 * @example
 * ```ts
 * const proxy = await FaultProxy.start(local.endpoint, (r) => (r.operation === 'AssumeRole' ? { status: 503 } : undefined));
 * // point the client at proxy.url ...
 * proxy.count('AssumeRole');
 * await proxy.close();
 * ```
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  rule: FaultRule;
  readonly url: string;
  readonly #server: ReturnType<typeof createServer>;
  readonly #target: URL;

  private constructor(server: ReturnType<typeof createServer>, target: URL, rule: FaultRule, url: string) {
    this.#server = server;
    this.#target = target;
    this.rule = rule;
    this.url = url;
  }

  static async start(target: string, rule: FaultRule = () => undefined): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      proxy?.handle(req, res).catch(() => res.destroy());
    });
    // Longer than the clients' own idle timeout (Node's fetch: 4 s), so the client always
    // closes an idle connection first: a server closing it as a POST goes out resets that
    // POST (fetch does not retry it). close() cuts every connection at once anyway.
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new FaultProxy(server, new URL(target), rule, `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** How many requests of this operation reached the proxy (faulted or forwarded). */
  count(operation: string): number {
    return this.seen.filter((r) => r.operation === operation).length;
  }

  operations(): string[] {
    return this.seen.map((r) => r.operation);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // STS and IAM (form-encoded): read whole, so a rule can look at the Action and its
    // parameters. Everything else streams through as it arrives, so the server authenticates
    // a request when its headers arrive, as it would without the proxy (a slow part signed
    // with a short session must not expire inside the proxy).
    const contentType = req.headers['content-type'] ?? '';
    const isForm = contentType.includes('application/x-www-form-urlencoded');
    let body: Buffer | undefined;
    if (isForm) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = Buffer.concat(chunks);
    }
    const form = body ? new URLSearchParams(body.toString('utf8')) : undefined;
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      operation: form?.get('Action') ?? s3Operation(req.method ?? 'GET', req.url ?? '/'),
      uploadId: uploadIdOf(req.url ?? '/'),
      partNumber: partNumberOf(req.url ?? '/'),
      headers: req.headers,
      bodyBytes: body?.length ?? 0,
      ...(form ? { form } : {}),
    };
    this.seen.push(seen);
    const fault = await this.rule(seen, this.seen);
    if (fault && 'hang' in fault) return; // the client's timeout ends it
    if (fault && 'destroy' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && 'status' in fault) {
      // The whole request first, as a server that refuses it after reading it would.
      if (!body) await drain(req, seen);
      seen.status = fault.status;
      res.writeHead(fault.status, {
        'content-type': 'application/xml',
        // Browsers need CORS on the faulted answer too, or they see a network error.
        ...corsHeaders(req),
        ...fault.headers,
      });
      res.end(fault.body ?? '');
      return;
    }
    await this.#forward(req, res, body, seen, {
      delayAnswerMs: fault && 'delayAnswerMs' in fault ? fault.delayAnswerMs : 0,
      dropAnswer: fault !== undefined && 'dropAnswer' in fault,
      ...(fault && 'rewrite' in fault ? { rewrite: fault.rewrite } : {}),
    });
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer | undefined,
    seen: SeenRequest,
    answering: { delayAnswerMs: number; dropAnswer: boolean; rewrite?: (body: string) => string },
  ): Promise<void> {
    const { delayAnswerMs, dropAnswer, rewrite } = answering;
    return new Promise((resolve) => {
      const upstream = httpRequest(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          // Forwarded unchanged, Host included: the client signed for the proxy's address and
          // RGW checks the signature against the Host it receives.
          headers: req.headers,
        },
        async (answer) => {
          if (dropAnswer) {
            // Read the whole answer first, so the server has finished acting.
            answer.resume();
            answer.on('close', () => {
              req.socket.destroy();
              resolve();
            });
            return;
          }
          seen.status = answer.statusCode ?? 502;
          if (delayAnswerMs > 0) {
            answer.pause();
            await new Promise((r) => setTimeout(r, delayAnswerMs));
          }
          if (rewrite && answer.statusCode === 200) {
            try {
              const chunks: Buffer[] = [];
              for await (const chunk of answer) chunks.push(chunk as Buffer);
              const payload = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')));
              const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
              res.writeHead(200, { ...headers, 'content-length': String(payload.length) });
              res.end(payload);
            } catch {
              res.destroy();
            }
            resolve();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', () => {
            res.destroy();
            resolve();
          });
        },
      );
      upstream.on('error', () => {
        res.destroy();
        resolve();
      });
      if (body) {
        upstream.end(body);
        return;
      }
      // A client that goes away mid-body takes the upstream request with it.
      req.on('error', () => upstream.destroy());
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.on('data', (chunk: Buffer) => {
        seen.bodyBytes += chunk.length;
      });
      req.pipe(upstream);
    });
  }
}

/** Reads a request's body to its end, counting it. */
function drain(req: IncomingMessage, seen: SeenRequest): Promise<void> {
  return new Promise((resolve) => {
    req.on('data', (chunk: Buffer) => {
      seen.bodyBytes += chunk.length;
    });
    req.on('end', resolve);
    req.on('error', () => resolve());
  });
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'ETag',
  };
}
