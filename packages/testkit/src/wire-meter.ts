// A pass-through proxy in front of the local backend that counts request body bytes as they
// arrive, request by request, including requests cut mid-body (a pause, a reload): what a
// slow link really carried, which the page itself cannot know once it is gone.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { s3Client } from './clients.js';
import type { LocalS3 } from './local-s3.js';
import { s3Operation } from './s3-operation.js';

/** One request the meter saw. Times are ms since the meter started. */
export interface MeteredRequest {
  operation: string;
  partNumber: number | null;
  uploadId: string | null;
  /** Body bytes that reached the meter (all of them, or those before the cut). */
  received: number;
  /** The Content-Length announced (-1 when none). */
  contentLength: number;
  status: number | null;
  /** `answered`: the answer reached the browser; `cut`: the connection closed first. */
  outcome: 'pending' | 'answered' | 'cut';
  startedAt: number;
  endedAt: number | null;
}

export class WireMeter {
  readonly requests: MeteredRequest[] = [];
  /** Named moments (the test's "pausing now", "reloading now"), ms since start. */
  readonly marks: { name: string; at: number }[] = [];
  readonly url: string;
  readonly local: LocalS3;
  readonly #server: ReturnType<typeof createServer>;
  readonly #sockets = new Set<Socket>();
  readonly #start = performance.now();

  private constructor(server: ReturnType<typeof createServer>, url: string, local: LocalS3) {
    this.#server = server;
    this.url = url;
    this.local = local;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(local: LocalS3): Promise<WireMeter> {
    let meter: WireMeter | undefined;
    const server = createServer((req, res) => meter?.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    meter = new WireMeter(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, local);
    return meter;
  }

  now(): number {
    return performance.now() - this.#start;
  }

  mark(name: string): void {
    this.marks.push({ name, at: this.now() });
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(this.local.endpoint);
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const record: MeteredRequest = {
      operation: s3Operation(req.method ?? 'GET', req.url ?? '/'),
      partNumber: query.has('partNumber') ? Number(query.get('partNumber')) : null,
      uploadId: query.get('uploadId'),
      received: 0,
      contentLength: Number(req.headers['content-length'] ?? -1),
      status: null,
      outcome: 'pending',
      startedAt: this.now(),
      endedAt: null,
    };
    this.requests.push(record);
    // Host unchanged: the browser signed for the meter's address, and RGW checks what it gets.
    const upstream = httpRequest({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    const cut = () => {
      if (record.outcome !== 'pending') return;
      record.outcome = 'cut';
      record.endedAt = this.now();
      upstream.destroy();
      req.socket.destroy();
    };
    req.on('data', (chunk: Buffer) => {
      record.received += chunk.length;
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
    req.on('error', cut);
    res.on('close', () => {
      if (!res.writableFinished) cut();
    });
    upstream.on('response', (answer) => {
      record.status = answer.statusCode ?? null;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      res.on('finish', () => {
        if (record.outcome !== 'pending') return;
        record.outcome = 'answered';
        record.endedAt = this.now();
      });
    });
    upstream.on('error', cut);
  }

  /** Multipart uploads still open under `prefix`, as the bucket owner sees them. */
  async openUploads(prefix: string): Promise<{ key: string; uploadId: string }[]> {
    const client = s3Client(this.local, this.local.service);
    try {
      const answer = await client.send(
        new ListMultipartUploadsCommand({ Bucket: this.local.bucket, Prefix: prefix }),
      );
      return (answer.Uploads ?? []).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
    } finally {
      client.destroy();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
