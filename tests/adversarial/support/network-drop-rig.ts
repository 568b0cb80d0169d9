import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LocalS3 } from '@s3up/testkit';
import { s3Operation } from '@s3up/testkit/s3-operation';
import { bytesOf } from './s3-probe.js';
import { TokenServerUnderTest } from './token-server-under-test.js';

/** The part of playwright's BrowserContext the rig drives (offline emulation, failed requests). */
export interface OfflineSwitch {
  setOffline(offline: boolean): Promise<void>;
  on(event: 'requestfailed', listener: (request: FailedRequest) => void): unknown;
  off(event: 'requestfailed', listener: (request: FailedRequest) => void): unknown;
}
interface FailedRequest {
  url(): string;
  method(): string;
  failure(): { errorText: string } | null;
}

export interface DropOptions {
  /** The part whose first attempt dies mid-body. */
  part: number;
  /** Body bytes of that part the proxy takes before the network goes down. */
  afterBytes: number;
  /** How long the network stays down (browser offline, proxy refusing). */
  offlineMs: number;
  /**
   * When Chromium goes offline: `with-drop` (default) at once, or `after-part-failed`: only
   * once Chromium has reported the cut part's request failed, as when the OS notices the
   * lost network a moment after the connection died (the page sees the failure first).
   */
  offline?: 'with-drop' | 'after-part-failed';
}

/** One request the proxy saw, and what became of it. */
export interface WireRecord {
  operation: string;
  partNumber: number | null;
  uploadId: string | null;
  /** The Content-Length the browser announced (-1 when none). */
  contentLength: number;
  /** Body bytes that reached the proxy before the request ended or was cut. */
  received: number;
  /** `answered`: the backend's answer was handed to the browser; `dropped`: the connection was cut. */
  outcome: 'pending' | 'answered' | 'dropped';
  status: number | null;
  /** When the request arrived, relative to the network going down (`before`, `down`, `after`). */
  phase: 'before' | 'down' | 'after';
  /** CompleteMultipartUpload only: the part numbers it lists. */
  completeParts?: number[];
}

export interface DropReport {
  wire: WireRecord[];
  /** Requests Chromium reported failed, with its net error (e.g. net::ERR_INTERNET_DISCONNECTED). */
  failed: { method: string; url: string; errorText: string; phase: WireRecord['phase'] }[];
  /** Whether the drop happened, and when the network came back. */
  dropped: boolean;
  /** `after-part-failed` only: whether Chromium reported the part failed before it went offline. */
  offlineAfterPartFailed: boolean | null;
  restored: boolean;
  /** What is really in the bucket under the key (owner's view, straight from the backend). */
  stored: { size: number; sha256: string } | null;
  /** The token server's leak scan (case 10): log lines or error answers holding a secret. */
  leaks: { where: string; what: string[] }[];
}

/**
 * Case 16's network: a streaming proxy in front of the real RGW that cuts the TCP
 * connection of one part's first attempt after `afterBytes` of its body, and at the same
 * moment takes the whole network down: every open connection through the proxy is cut,
 * new ones are cut on arrival, and the browser context goes offline (Chromium's own
 * offline emulation: `offline` event, requests fail with net::ERR_INTERNET_DISCONNECTED).
 * After `offlineMs` the proxy forwards again and the browser comes back online.
 * A token server under test hands out credentials whose S3 endpoint is this proxy.
 */
export class NetworkDropRig {
  readonly wire: WireRecord[] = [];
  readonly failed: DropReport['failed'] = [];
  readonly server: TokenServerUnderTest;
  readonly #proxy: ReturnType<typeof createServer>;
  readonly #target: URL;
  readonly #browser: OfflineSwitch;
  readonly #sockets = new Set<Socket>();
  readonly #options: DropOptions;
  #phase: WireRecord['phase'] = 'before';
  #restoredAt: Promise<void> | undefined;
  #partFailed: (() => void) | undefined;
  #offlineAfterPartFailed: boolean | null = null;
  readonly #onFailed = (request: FailedRequest) => {
    this.failed.push({
      method: request.method(),
      url: request.url(),
      errorText: request.failure()?.errorText ?? '',
      phase: this.#phase,
    });
    const query = new URL(request.url()).searchParams;
    if (request.method() === 'PUT' && query.get('partNumber') === String(this.#options.part))
      this.#partFailed?.();
  };

  private constructor(
    proxy: ReturnType<typeof createServer>,
    target: URL,
    browser: OfflineSwitch,
    server: TokenServerUnderTest,
    options: DropOptions,
  ) {
    this.#proxy = proxy;
    this.#target = target;
    this.#browser = browser;
    this.server = server;
    this.#options = options;
    browser.on('requestfailed', this.#onFailed);
  }

  static async start(local: LocalS3, browser: OfflineSwitch, options: DropOptions): Promise<NetworkDropRig> {
    let rig: NetworkDropRig | undefined;
    const proxy = createServer((req, res) => rig?.handle(req, res));
    proxy.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    // The credentials answer points the engine at the proxy; STS goes straight to the backend.
    const server = await TokenServerUnderTest.start(local, {
      server: { endpoint: url, stsEndpoint: local.endpoint, scopes: ['upload', 'read'] },
    });
    rig = new NetworkDropRig(proxy, new URL(local.endpoint), browser, server, options);
    proxy.on('connection', (socket: Socket) => rig?.track(socket));
    return rig;
  }

  /** Cuts a connection that arrives while the network is down; keeps the others for the cut. */
  track(socket: Socket): void {
    if (this.#phase === 'down') {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const record: WireRecord = {
      operation: s3Operation(req.method ?? 'GET', req.url ?? '/'),
      partNumber: query.has('partNumber') ? Number(query.get('partNumber')) : null,
      uploadId: query.get('uploadId'),
      contentLength: Number(req.headers['content-length'] ?? -1),
      received: 0,
      outcome: 'pending',
      status: null,
      phase: this.#phase,
    };
    this.wire.push(record);
    if (this.#phase === 'down') {
      record.outcome = 'dropped';
      req.socket.destroy();
      return;
    }
    const isVictim =
      record.operation === 'UploadPart' &&
      record.partNumber === this.#options.part &&
      !this.wire.some(
        (r) => r !== record && r.operation === 'UploadPart' && r.partNumber === record.partNumber,
      );
    const upstream = httpRequest({
      host: this.#target.hostname,
      port: this.#target.port,
      method: req.method,
      path: req.url,
      // Host unchanged: the browser signed for the proxy's address.
      headers: req.headers,
    });
    const completeBody: Buffer[] = [];
    const cut = () => {
      record.outcome = 'dropped';
      upstream.destroy();
      req.socket.destroy();
    };
    req.on('data', (chunk: Buffer) => {
      if (record.outcome === 'dropped') return;
      if (isVictim && record.received + chunk.length >= this.#options.afterBytes) {
        const take = this.#options.afterBytes - record.received;
        record.received += take;
        upstream.write(chunk.subarray(0, take));
        req.pause();
        cut();
        this.#goDown();
        return;
      }
      record.received += chunk.length;
      if (record.operation === 'CompleteMultipartUpload') completeBody.push(chunk);
      upstream.write(chunk);
    });
    req.on('end', () => {
      if (record.outcome === 'dropped') return;
      if (record.operation === 'CompleteMultipartUpload') {
        const xml = Buffer.concat(completeBody).toString('utf8');
        record.completeParts = [...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
      }
      upstream.end();
    });
    req.on('error', () => cut());
    res.on('close', () => {
      if (!res.writableFinished && record.outcome === 'pending') cut();
    });
    upstream.on('response', (answer) => {
      if (record.outcome === 'dropped') {
        answer.resume();
        return;
      }
      record.status = answer.statusCode ?? null;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      res.on('finish', () => {
        if (record.outcome === 'pending') record.outcome = 'answered';
      });
    });
    upstream.on('error', () => {
      if (record.outcome !== 'answered') cut();
    });
  }

  /** The network goes down: every connection cut, the browser offline; back after `offlineMs`. */
  #goDown(): void {
    if (this.#restoredAt) return;
    this.#phase = 'down';
    for (const socket of this.#sockets) socket.destroy();
    const partFailed =
      this.#options.offline === 'after-part-failed'
        ? new Promise<boolean>((resolve) => {
            this.#partFailed = () => resolve(true);
            setTimeout(() => resolve(false), 10_000);
          })
        : undefined;
    this.#restoredAt = (async () => {
      if (partFailed) this.#offlineAfterPartFailed = await partFailed;
      await this.#browser.setOffline(true);
      await new Promise((resolve) => setTimeout(resolve, this.#options.offlineMs));
      this.#phase = 'after';
      await this.#browser.setOffline(false);
    })();
  }

  /** Waits until the network is back (after the drop), so a report is complete. */
  async settle(): Promise<void> {
    await this.#restoredAt;
  }

  async report(key: string | null): Promise<DropReport> {
    let stored: DropReport['stored'] = null;
    if (key) {
      try {
        const bytes = await bytesOf(this.server.local, key);
        stored = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      } catch {
        stored = null;
      }
    }
    return {
      wire: this.wire.map((r) => ({ ...r })),
      failed: [...this.failed],
      dropped: this.#restoredAt !== undefined,
      offlineAfterPartFailed: this.#offlineAfterPartFailed,
      restored: this.#phase === 'after',
      stored,
      leaks: this.server.leaks(),
    };
  }

  async close(): Promise<void> {
    this.#browser.off('requestfailed', this.#onFailed);
    await this.#restoredAt?.catch(() => {});
    await this.#browser.setOffline(false);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.#proxy.close(() => resolve());
      this.#proxy.closeAllConnections();
    });
    await this.server.close();
  }
}
