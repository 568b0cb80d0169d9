import { CliError } from './errors.js';

/** The token server's POST /credentials answer (docs/contracts.md). */
export interface TokenCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Already corrected for clock skew: in this machine's clock. */
  expiration: Date;
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  prefix: string;
}

export interface TokenEndpointOptions {
  /** The credentials URL; a base URL gets `credentials` appended. */
  url: string;
  /** The bearer token (JWT). Never logged. */
  token: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/** `https://api.example.com/uploads` → `https://api.example.com/uploads/credentials`; a URL already ending in /credentials is kept. */
export function credentialsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CliError(
      'invalid_argument',
      `--token-url "${url}" is not a URL, e.g. https://app.example.com/api/s3up`,
      { cause: error },
    );
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new CliError('invalid_argument', `--token-url must be http(s); got "${url}".`);
  if (!/\/credentials\/?$/.test(parsed.pathname))
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/credentials`;
  return parsed.toString();
}

/**
 * Fetches upload credentials from the token server and keeps them fresh: a credential
 * provider for the AWS SDK that refreshes ahead of expiry, with concurrent callers
 * sharing one request.
 *
 * @example
 * const endpoint = new TokenEndpoint({ url: 'https://app.example.com/api/s3up', token: jwt });
 * const first = await endpoint.current();
 * const s3 = new S3Client({ region: first.region, credentials: () => endpoint.current() });
 */
export class TokenEndpoint {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #cached?: { value: TokenCredentials; lifetimeMs: number };
  #inflight?: Promise<TokenCredentials>;
  /** How many credential sets the server handed out to this process (shown in the summary). */
  issued = 0;

  constructor(options: TokenEndpointOptions) {
    this.#url = credentialsUrl(options.url);
    if (!options.token)
      throw new CliError(
        'invalid_argument',
        '--token (or S3UP_TOKEN) is empty: pass the JWT the token server expects.',
      );
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Cached credentials while more than a third of their lifetime (capped at 5 minutes,
   * the SDK's own margin) remains; otherwise new ones. A third, so that short local
   * sessions still refresh well before they lapse mid-part.
   */
  current = async (): Promise<TokenCredentials> => {
    const cached = this.#cached;
    if (cached) {
      const margin = Math.min(5 * 60_000, cached.lifetimeMs / 3);
      if (cached.value.expiration.getTime() - this.#now() > margin) return cached.value;
    }
    this.#inflight ??= this.#request().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  };

  async #request(): Promise<TokenCredentials> {
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ scope: 'upload' }),
      });
    } catch (error) {
      throw new CliError(
        'unreachable',
        `The token server at ${this.#url} did not answer: check --token-url and the network.`,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // handled below
    }
    if (!response.ok) {
      const code = (body.error as { code?: string } | undefined)?.code ?? 'unknown';
      const hint =
        response.status === 401
          ? 'the token was refused: pass a valid, unexpired JWT with --token'
          : response.status === 403
            ? 'this identity may not upload'
            : response.status === 429
              ? 'rate limited: retry later'
              : 'see the token server log';
      throw new CliError('token_server', `The token server answered ${response.status} (${code}): ${hint}.`);
    }
    const expiration = new Date(String(body.expiration));
    const serverTime = body.serverTime ? new Date(String(body.serverTime)) : undefined;
    if (
      typeof body.accessKeyId !== 'string' ||
      typeof body.secretAccessKey !== 'string' ||
      typeof body.sessionToken !== 'string' ||
      typeof body.bucket !== 'string' ||
      typeof body.prefix !== 'string' ||
      Number.isNaN(expiration.getTime())
    )
      throw new CliError(
        'token_server',
        `The token server at ${this.#url} answered 200 without the credentials fields: is --token-url the s3up token server?`,
      );
    const received = this.#now();
    // Correct for clock skew: the expiration is in the server's clock.
    const skew = serverTime && !Number.isNaN(serverTime.getTime()) ? received - serverTime.getTime() : 0;
    const value: TokenCredentials = {
      accessKeyId: body.accessKeyId,
      secretAccessKey: body.secretAccessKey,
      sessionToken: body.sessionToken,
      expiration: new Date(expiration.getTime() + skew),
      bucket: body.bucket,
      region: typeof body.region === 'string' ? body.region : 'us-east-1',
      prefix: body.prefix,
      ...(typeof body.endpoint === 'string' ? { endpoint: body.endpoint } : {}),
      ...(body.forcePathStyle === true ? { forcePathStyle: true } : {}),
      ...(body.requestChecksumCalculation === 'WHEN_REQUIRED' ||
      body.requestChecksumCalculation === 'WHEN_SUPPORTED'
        ? { requestChecksumCalculation: body.requestChecksumCalculation }
        : {}),
    };
    this.#cached = { value, lifetimeMs: Math.max(value.expiration.getTime() - received, 0) };
    this.issued += 1;
    return value;
  }
}
