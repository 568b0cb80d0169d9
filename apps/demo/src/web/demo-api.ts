/** The signed-in user as the demo server's `POST /api/session` returns it. */
export interface DemoSession {
  token: string;
  user: { id: string; name: string };
  expiresAt: string;
}

export interface DemoConfig {
  backend: 'local' | 'aws';
  bucket: string;
  region: string;
  users: { id: string; name: string }[];
  shareMaxSeconds: number;
}

export interface AuditEntry {
  seq: number;
  line: Record<string, unknown>;
}

/**
 * An error answer of the demo server or the token server (`{ error: { code, message } }`),
 * or a network failure (`code: 'network'`). The message is meant for the user.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

const STORAGE_KEY = 's3up-demo.session';
// Re-sign this long before the JWT expires, so a request never leaves with a dying token.
const RENEW_MARGIN_MS = 60_000;

/**
 * The page's side of the demo server: sign-in, the bearer token for the token server, and
 * JSON calls with errors turned into {@link ApiError}. The session lives in sessionStorage,
 * so each tab (and each browser context in the tests) is its own user.
 *
 * Dispatches `session-changed` when the user signs in or out.
 *
 * @example
 * const api = new DemoApi();
 * await api.signIn('alice');
 * const creds = await api.post('/api/credentials', { scope: 'list' });
 */
export class DemoApi extends EventTarget {
  #session: DemoSession | null = null;
  #renewing: Promise<DemoSession> | null = null;

  constructor() {
    super();
    try {
      const saved = sessionStorage.getItem(STORAGE_KEY);
      if (saved) this.#session = JSON.parse(saved) as DemoSession;
    } catch {
      this.#session = null;
    }
  }

  get session(): DemoSession | null {
    return this.#session;
  }

  async signIn(user: string, name?: string): Promise<DemoSession> {
    const session = await this.#json<DemoSession>('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(name ? { user, name } : { user }),
    });
    this.#session = session;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.dispatchEvent(new Event('session-changed'));
    return session;
  }

  signOut(): void {
    this.#session = null;
    sessionStorage.removeItem(STORAGE_KEY);
    this.dispatchEvent(new Event('session-changed'));
  }

  /**
   * A JWT with at least a minute to live. The demo's sign-in is "pick a name", so signing in
   * again as the same user is exactly what the sign-in screen would do.
   */
  async token(): Promise<string> {
    const session = this.#session;
    if (!session) throw new ApiError('unauthorized', 'Sign in first.', 401);
    if (Date.parse(session.expiresAt) - Date.now() > RENEW_MARGIN_MS) return session.token;
    this.#renewing ??= this.signIn(session.user.id, session.user.name).finally(() => {
      this.#renewing = null;
    });
    return (await this.#renewing).token;
  }

  /** Adds the bearer token to a request: what `<s3-upload>` calls before each credentials request. */
  async authorize(init: RequestInit): Promise<RequestInit> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await this.token()}`);
    return { ...init, headers };
  }

  /** An authenticated JSON POST to the demo or token server. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const init = await this.authorize({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return this.#json<T>(path, init);
  }

  config(): Promise<DemoConfig> {
    return this.#json<DemoConfig>('/api/config', {});
  }

  audit(after: number): Promise<{ entries: AuditEntry[]; lastSeq: number }> {
    return this.#json(`/api/audit?after=${after}`, {});
  }

  async #json<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, init);
    } catch (cause) {
      throw new ApiError('network', 'The demo server did not answer. Is `pnpm demo` still running?', 0, {
        cause,
      });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        error?.code ?? 'http',
        error?.message ?? `The server answered ${response.status}.`,
        response.status,
      );
    }
    return body as T;
  }
}
