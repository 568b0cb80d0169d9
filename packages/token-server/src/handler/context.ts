import { randomUUID } from 'node:crypto';
import { withResponseText } from './body-bytes.js';

/** Which route a request is for; also the `kind` of its audit lines. */
export type RouteName = 'credentials' | 'presign' | 'uploads' | 'healthz';

/** What the adapter knows that a Fetch Request does not carry. */
export interface HandlerContext {
  /** The client's address, as the host resolves it (proxy hops included). Unknown: no per-IP limit. */
  ip?: string | undefined;
  /** The host framework's own request object, handed to the authenticator as `native`. */
  native?: unknown;
}

// A client-sent id is recorded beside the server's, never as it: it is only kept when it
// is short and plain, so it cannot forge or break a log line.
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One request on its way through the named parts (request id, CORS, rate limit, body,
 * authentication, route): what they learn is written here, and the audit line and the
 * response headers are built from it.
 */
export class RequestContext {
  /** The server's own id: in the audit log and the `X-Request-Id` answer header. */
  readonly requestId = randomUUID();
  /** What the client sent as `X-Request-Id`, when it was plain enough to log. */
  readonly clientRequestId: string | undefined;
  readonly headers = new Headers();
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  userId: string | undefined;
  scope: string | undefined;

  constructor(
    readonly request: Request,
    readonly route: RouteName,
    readonly context: HandlerContext = {},
  ) {
    const incoming = request.headers.get('x-request-id');
    this.clientRequestId = incoming && CLIENT_REQUEST_ID.test(incoming) ? incoming : undefined;
    this.ip = context.ip;
    this.userAgent = request.headers.get('user-agent')?.slice(0, 256) || undefined;
    this.headers.set('Cache-Control', 'no-store');
    this.headers.set('X-Request-Id', this.requestId);
    this.headers.set('X-Content-Type-Options', 'nosniff');
    this.headers.set('Vary', 'Origin');
  }

  /** The audit kind: healthz and unknown routes log as plain `request`. */
  get kind(): 'credentials' | 'presign' | 'uploads' | 'request' {
    return this.route === 'healthz' ? 'request' : this.route;
  }

  /** Request ids, client address and agent, as every audit line carries them. */
  trail(): { requestId: string; clientRequestId?: string; ip?: string; userAgent?: string } {
    return {
      requestId: this.requestId,
      ...(this.clientRequestId ? { clientRequestId: this.clientRequestId } : {}),
      ...(this.ip ? { ip: this.ip } : {}),
      ...(this.userAgent ? { userAgent: this.userAgent } : {}),
    };
  }

  json(status: number, body: unknown): Response {
    this.headers.set('Content-Type', 'application/json; charset=utf-8');
    if (status === 204) return new Response(null, { status, headers: this.headers });
    const text = JSON.stringify(body);
    return withResponseText(new Response(text, { status, headers: this.headers }), text);
  }
}
