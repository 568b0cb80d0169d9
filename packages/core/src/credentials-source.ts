import {
  type CredentialsResponse,
  errorCodeOf,
  isContractError,
  parseCredentialsResponse,
} from '@s3up/contract';
import { UploadError } from './errors.js';
import type { CredentialsOptions } from './options.js';

/** What the AWS SDK's credential provider returns; `expiration` is on the local clock. */
export interface SdkIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Fresh credentials plus what came with them (bucket, prefix, endpoint). */
export interface Credentials {
  identity: SdkIdentity;
  response: CredentialsResponse;
  /** Local-clock epoch ms at which they expire (server lifetime, corrected for skew). */
  expiresAt: number;
  /** Local-clock epoch ms at which they were received. */
  receivedAt: number;
}

// Refresh this long before expiry, so a part never starts on credentials about to die:
// five minutes (as the SDK does) for normal sessions, half the lifetime for short ones.
const REFRESH_AHEAD_MS = 5 * 60 * 1000;
// Once the endpoint refused, credentials are used until this close to expiry, no closer:
// a request signed now must still be valid when S3 reads it.
const LAST_USE_MARGIN_MS = 1000;
// How long a failed early request (`prefetch`) stands for its run's first attempt: longer
// than the photo step between them takes; a run that starts later (resumed after a pause)
// asks again.
const EARLY_FAILURE_KEPT_MS = 30_000;

/**
 * Temporary credentials from the token endpoint: cached, refreshed ahead of expiry, one
 * request in flight however many parts need them, with the expiry measured on the
 * server's clock (`expiration - serverTime`) so a wrong browser clock does not matter.
 * A 401/403 from the endpoint is final (`credentials` error): retrying would not log the
 * user back in. After one, the source does not ask again until `forgetRefusal()` (the app
 * retried or added a file): it answers the same error, or the credentials it still holds
 * while they are valid, so an abort can still clean up with them.
 */
export class CredentialsSource {
  readonly #options: CredentialsOptions;
  readonly #scope: 'upload' | 'read';
  #current: Credentials | undefined;
  #inflight: Promise<Credentials> | undefined;
  #refusal: UploadError | undefined;
  /** A request started ahead of a run (`prefetch`) whose failure that run has not seen yet. */
  #early: { answer: Promise<Credentials>; failedAt?: number } | undefined;

  constructor(options: CredentialsOptions, scope: 'upload' | 'read' = 'upload') {
    this.#options = options;
    this.#scope = scope;
  }

  /** The last credentials received, fresh or not. */
  get current(): Credentials | undefined {
    return this.#current;
  }

  /**
   * Starts the request a run is about to make, ahead of it (issue 21, first byte: before the
   * app's `upload-started` handlers run). The run's own first `get()` takes this request's
   * outcome, a failure included (within {@link EARLY_FAILURE_KEPT_MS}), so starting early never
   * adds a request: a bad answer is asked for as many times as without it.
   */
  prefetch(): void {
    const answer = this.get();
    const early: { answer: Promise<Credentials>; failedAt?: number } = { answer };
    this.#early = early;
    answer.then(
      () => {
        if (this.#early === early) this.#early = undefined;
      },
      () => {
        early.failedAt = Date.now();
      },
    );
  }

  /** Valid credentials, fetching new ones when there are none or they are close to expiry. */
  get(): Promise<Credentials> {
    const early = this.#early;
    this.#early = undefined;
    if (early && (early.failedAt === undefined || Date.now() - early.failedAt < EARLY_FAILURE_KEPT_MS))
      return early.answer;
    const current = this.#current;
    if (current && Date.now() < current.expiresAt - refreshMargin(current)) return Promise.resolve(current);
    // Signed out: what is left of the current session still serves (an abort, say).
    if (this.#refusal && current && Date.now() < current.expiresAt - LAST_USE_MARGIN_MS) {
      return Promise.resolve(current);
    }
    return this.refresh();
  }

  /** Ask the endpoint again after a 401/403: the app says the user may be signed in again. */
  forgetRefusal(): void {
    this.#refusal = undefined;
  }

  /**
   * New credentials, whatever the cache holds (after S3 said ExpiredToken). Calls made while
   * a request is in flight share it. `{ refused: true }`: S3 refused the current session
   * before it expired; the endpoint is told its access key id, so a token server that cached
   * it hands out a new one instead.
   */
  refresh(options: { refused?: boolean } = {}): Promise<Credentials> {
    if (this.#refusal) return Promise.reject(this.#refusal);
    if (!this.#inflight) {
      const refused = options.refused ? this.#current?.identity.accessKeyId : undefined;
      this.#inflight = this.#fetch(refused).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /**
   * A credential provider for the AWS SDK; the SDK asks before each request it signs.
   * `memoized` tells the SDK this provider caches by itself: otherwise the SDK keeps the
   * identity until 5 minutes before its expiry and never sees a `refresh()` (new credentials
   * after S3 refused a session that looked valid would not be used).
   */
  readonly provider = Object.assign(async (): Promise<SdkIdentity> => (await this.get()).identity, {
    memoized: true,
  });

  async #fetch(refusedAccessKeyId: string | undefined): Promise<Credentials> {
    const fetcher = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    let init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ scope: this.#scope, ...(refusedAccessKeyId ? { refusedAccessKeyId } : {}) }),
      cache: 'no-store',
    };
    if (this.#options.request) init = await this.#options.request(init);
    const url = typeof this.#options.url === 'string' ? this.#options.url : this.#options.url.href;
    let response: Response;
    try {
      response = await fetcher(url, init);
    } catch (cause) {
      throw new UploadError(
        'network',
        `Could not reach the credentials endpoint ${url}; check the network.`,
        {
          cause,
        },
      );
    }
    if (!response.ok) {
      const code = await errorCode(response);
      const status = response.status;
      if (status === 401 || status === 403) {
        this.#refusal = new UploadError(
          'credentials',
          `The credentials endpoint refused the request (${status}${code ? ` ${code}` : ''}): sign in again, or check the auth header credentials.request adds.`,
          { status },
        );
        throw this.#refusal;
      }
      // 429 and 5xx are passing troubles (STS throttled, a deploy): the caller retries them.
      const retryable = status === 429 || status >= 500;
      throw new UploadError(
        retryable ? 'server' : 'credentials',
        `The credentials endpoint answered ${status}${code ? ` ${code}` : ''}.`,
        { status },
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw unexpectedAnswer(
        'It did not answer JSON; it must follow the s3up token server contract (docs/contracts.md).',
        response.status,
        cause,
      );
    }
    let parsed: CredentialsResponse;
    try {
      parsed = parseCredentialsResponse(body, { now: Date.now() });
    } catch (cause) {
      if (!isContractError(cause)) throw cause;
      throw unexpectedAnswer(cause.message, response.status, cause);
    }
    const receivedAt = Date.now();
    // The parser has refused an expiration at or within a second of serverTime (or of now,
    // from a server that sends no serverTime), so the lifetime here is usable.
    const lifetime =
      Date.parse(parsed.expiration) - (parsed.serverTime ? Date.parse(parsed.serverTime) : receivedAt);
    const expiresAt = receivedAt + lifetime;
    const credentials: Credentials = {
      identity: {
        accessKeyId: parsed.accessKeyId,
        secretAccessKey: parsed.secretAccessKey,
        sessionToken: parsed.sessionToken,
        expiration: new Date(expiresAt),
      },
      response: parsed,
      expiresAt,
      receivedAt,
    };
    this.#current = credentials;
    return credentials;
  }
}

/**
 * The endpoint answered 2xx with something the engine cannot use: a `credentials` error with
 * the answer's status (so an app can tell it from a 401/403 refusal) that the engine retries
 * a bounded number of times (a deploy in progress, a proxy's error page), then reports.
 */
function unexpectedAnswer(problem: string, status: number, cause?: unknown): UploadError {
  return new UploadError(
    'credentials',
    // The problem comes from the contract's parser (it names the field) or says it was not JSON.
    `The credentials endpoint answered something unexpected. ${problem}`,
    { status, ...(cause === undefined ? {} : { cause }) },
  );
}

function refreshMargin(credentials: Credentials): number {
  return Math.min(REFRESH_AHEAD_MS, (credentials.expiresAt - credentials.receivedAt) / 2);
}

/** The `error.code` of a token server error body, if any (never its message: it is not ours to show). */
async function errorCode(response: Response): Promise<string | undefined> {
  try {
    return errorCodeOf(await response.json());
  } catch {
    return undefined;
  }
}
