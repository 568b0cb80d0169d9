import { randomUUID } from 'node:crypto';
import type { Answer } from './answer.js';
import type { CoreRequest } from './core-request.js';

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
  /** The answer's headers by lower-case name (the parts add theirs as they go). */
  readonly headers: Record<string, string>;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  userId: string | undefined;
  scope: string | undefined;

  constructor(
    /** The request as the core reads it, whatever the host. */
    readonly call: CoreRequest,
    readonly route: RouteName,
    readonly context: HandlerContext = {},
  ) {
    const incoming = call.header('x-request-id');
    this.clientRequestId = incoming && CLIENT_REQUEST_ID.test(incoming) ? incoming : undefined;
    this.ip = context.ip;
    this.userAgent = call.header('user-agent')?.slice(0, 256) || undefined;
    this.headers = {
      'cache-control': 'no-store',
      'x-request-id': this.requestId,
      'x-content-type-options': 'nosniff',
      vary: 'Origin',
    };
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

  /** A JSON answer (204: headers only). */
  json(status: number, body: unknown): Answer {
    this.headers['content-type'] = 'application/json; charset=utf-8';
    return this.answer(status, status === 204 ? undefined : JSON.stringify(body));
  }

  /** An answer whose JSON text is already made (a cached credentials answer's). */
  answer(status: number, text: string | undefined): Answer {
    if (text !== undefined) this.headers['content-type'] = 'application/json; charset=utf-8';
    return { status, headers: this.headers, text };
  }
}
