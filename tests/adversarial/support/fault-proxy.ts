import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy saw of one request: enough to count S3 and STS operations on the wire. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** STS/IAM: the `Action` of a form-encoded POST; S3: the operation read from method and query. */
  operation: string;
  headers: IncomingMessage['headers'];
  /** Body size in bytes. */
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
 * answering (the server acted, the client never hears: a crash before the answer), cut the
 * connection, or hang until the client gives up.
 */
export type Fault =
  | undefined
  | { status: number; body?: string; headers?: Record<string, string> }
  | { delayMs: number }
  | { delayAnswerMs: number }
  | { dropAnswer: true }
  | { destroy: true }
  | { hang: true };

/** Decides a request's fault; `seen` lists earlier requests (this one is last). */
export type FaultRule = (request: SeenRequest, seen: readonly SeenRequest[]) => Fault | Promise<Fault>;

/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of the real backend, for the faults a
 * real server cannot produce on demand (a 500 on part 3, STS throttling, a dropped
 * connection). Every request it sees is recorded, so tests count calls on the wire.
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
    server.keepAliveTimeout = 1000;
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
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    const form = contentType.includes('application/x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8'))
      : undefined;
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      operation: form?.get('Action') ?? s3Operation(req.method ?? 'GET', req.url ?? '/'),
      headers: req.headers,
      bodyBytes: body.length,
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
    await this.#forward(
      req,
      res,
      body,
      seen,
      fault && 'delayAnswerMs' in fault ? fault.delayAnswerMs : 0,
      fault !== undefined && 'dropAnswer' in fault,
    );
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    seen: SeenRequest,
    delayAnswerMs: number,
    dropAnswer = false,
  ): Promise<void> {
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
      upstream.end(body);
    });
  }
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'ETag',
  };
}

/** The S3 operation of a path-style request, from its method and query (enough for multipart). */
export function s3Operation(method: string, url: string): string {
  const query = new URL(url, 'http://x').searchParams;
  if (method === 'OPTIONS') return 'Preflight';
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'PUT' && query.has('partNumber')) return 'UploadPart';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'GET' && query.has('uploadId')) return 'ListParts';
  if (method === 'PUT') return 'PutObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'DELETE') return 'DeleteObject';
  if (method === 'POST') return 'PostObject';
  return `${method} ${url}`;
}
