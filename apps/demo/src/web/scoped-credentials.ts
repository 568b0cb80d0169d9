import type { CredentialAnswer } from './credential-watch.js';
import type { DemoApi } from './demo-api.js';

/** What the AWS SDK's credential provider returns. */
export interface SdkCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

// Fetch new credentials this long before expiry: one S3 call plus clock jitter fits easily.
const REFRESH_MARGIN_MS = 60_000;

/**
 * Temporary credentials of one scope (`list`, `read`, `delete`) for the gallery, fetched from the
 * token server when missing or about to expire; concurrent callers share one request.
 *
 * @example
 * const list = new ScopedCredentials(api, 'list');
 * const s3 = new S3Client({ region, credentials: () => list.sdk() });
 */
export class ScopedCredentials {
  readonly #api: DemoApi;
  readonly #scope: string;
  #current: { answer: CredentialAnswer; expiresAt: number } | null = null;
  #pending: Promise<CredentialAnswer> | null = null;

  constructor(api: DemoApi, scope: 'list' | 'read' | 'delete') {
    this.#api = api;
    this.#scope = scope;
  }

  /** The full answer (bucket, region, endpoint, prefix), fresh enough to use now. */
  async get(): Promise<CredentialAnswer> {
    if (this.#current && this.#current.expiresAt - Date.now() > REFRESH_MARGIN_MS)
      return this.#current.answer;
    this.#pending ??= this.#api
      .post<CredentialAnswer>('/api/credentials', { scope: this.#scope })
      .then((answer) => {
        const serverTime = answer.serverTime ? Date.parse(answer.serverTime) : Date.now();
        // Expiry on the browser's clock: the server's clock may differ (FACTS.md, clock skew).
        this.#current = { answer, expiresAt: Date.parse(answer.expiration) - (serverTime - Date.now()) };
        return answer;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** For the SDK's `credentials` option: it calls this again near `expiration`. */
  async sdk(): Promise<SdkCredentials> {
    const answer = await this.get();
    return {
      accessKeyId: answer.accessKeyId,
      secretAccessKey: answer.secretAccessKey,
      sessionToken: answer.sessionToken,
      expiration: new Date(this.#current?.expiresAt ?? Date.parse(answer.expiration)),
    };
  }

  forget(): void {
    this.#current = null;
  }
}
