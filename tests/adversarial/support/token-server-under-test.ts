import { randomBytes } from 'node:crypto';
import { type LocalS3, localBackendOptions } from '@s3up/testkit';
import { FaultProxy, type FaultRule } from '@s3up/testkit/fault-proxy';
import {
  createAuditLogger,
  createTokenServer,
  type JwtAuthenticatorOptions,
  jwtAuthenticator,
  type RunningTokenServer,
  type TokenServerOptions,
} from '@s3up/token-server';
import { type JwtSettings, mintToken } from './jwt-tokens.js';
import { LeakLedger } from './leak-ledger.js';
import { LogCapture } from './log-capture.js';

/** The answer of one request, body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
}

export interface StartOptions {
  /** Overrides for createTokenServer (authenticate is built from `jwt` unless given). */
  server?: Partial<TokenServerOptions>;
  /** Extra options for the JWT authenticator (cookieName, ...). */
  jwtOptions?: Partial<JwtAuthenticatorOptions>;
  /** Faults on the STS path (AssumeRole); default none: every call is forwarded and counted. */
  stsFaults?: FaultRule;
}

/**
 * A real token server on the run's local cluster, started by the test itself so it keeps
 * what the shared one hides: its audit log (a LogCapture), its STS calls (through a
 * FaultProxy that counts and can fail them), and a ledger of every secret it handed out.
 */
export class TokenServerUnderTest {
  readonly log: LogCapture;
  readonly ledger = new LeakLedger();
  /** Every non-2xx answer body, for the leak scan. */
  readonly errorBodies: string[] = [];
  /** What engines on this server reported to the app (errors, tasks, events), for the leak scan. */
  readonly engineOutput: string[] = [];
  readonly jwt: JwtSettings;
  readonly sts: FaultProxy;
  readonly running: RunningTokenServer;
  /** Forgets the server's cached credentials (createTokenServer's `clearCache`), as an operator would. */
  clearCache: (userId?: string) => void = () => {};
  readonly local: LocalS3;

  private constructor(
    local: LocalS3,
    jwt: JwtSettings,
    sts: FaultProxy,
    running: RunningTokenServer,
    log: LogCapture,
  ) {
    this.log = log;
    this.local = local;
    this.jwt = jwt;
    this.sts = sts;
    this.running = running;
    this.ledger.add('the JWT signing secret', jwt.secret);
    this.ledger.add("the token service's secret key", local.service.secretAccessKey);
    this.ledger.add("the admin's secret key", local.admin.secretAccessKey);
  }

  static async start(local: LocalS3, options: StartOptions = {}): Promise<TokenServerUnderTest> {
    const jwt = {
      secret: randomBytes(32).toString('base64url'),
      issuer: 'https://id.adversarial.test',
      audience: 's3up-adversarial',
    };
    const sts = await FaultProxy.start(local.endpoint, options.stsFaults);
    const log = new LogCapture();
    const { listen, clearCache } = createTokenServer({
      ...localBackendOptions(local),
      stsEndpoint: sts.url,
      authenticate: jwtAuthenticator({ ...jwt, ...options.jwtOptions }),
      allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
      duration: { minSeconds: local.minSessionSeconds, maxSeconds: 3600, defaultSeconds: 900 },
      // Debug level: the leak scan must see everything the server could ever print.
      audit: createAuditLogger({ destination: log, level: 'debug' }),
      ...options.server,
    });
    const running = await listen(0, '127.0.0.1');
    const server = new TokenServerUnderTest(local, jwt, sts, running, log);
    server.clearCache = clearCache;
    return server;
  }

  get url(): string {
    return this.running.url;
  }

  /** A valid token for `sub`, remembered by the leak ledger. */
  async token(sub: string, options: Parameters<typeof mintToken>[2] = {}): Promise<string> {
    const token = await mintToken(this.jwt, sub, options);
    this.ledger.add(`a JWT for ${JSON.stringify(sub).slice(0, 40)}`, token);
    return token;
  }

  /**
   * POSTs to a path. `auth` is a user id (a valid token is minted), a raw token string
   * prefixed with `raw:`, or null for no Authorization header.
   */
  async post(
    path: string,
    auth: string | null,
    body?: unknown,
    init: { headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (auth !== null) {
      const token = auth.startsWith('raw:') ? auth.slice(4) : await this.token(auth);
      if (auth.startsWith('raw:')) this.ledger.add('a JWT sent by the test', token);
      headers.authorization = `Bearer ${token}`;
    }
    if (body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, init.headers);
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers,
      ...(init.rawBody !== undefined
        ? { body: init.rawBody }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
    });
    return this.#read(response);
  }

  async #read(response: Response): Promise<Answer> {
    const text = await response.text();
    let json: Answer['json'] = {};
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {
      // Not JSON: the assertions on `text` or the status will say so.
    }
    if (response.ok) {
      this.ledger.add('a secretAccessKey handed out', json.secretAccessKey as string | undefined);
      this.ledger.add('a sessionToken handed out', json.sessionToken as string | undefined);
    } else {
      this.errorBodies.push(text);
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /**
   * Every captured log line, error answer and engine report (see `engineFor`) that leaks a
   * secret, a JWT or policy text.
   */
  leaks(): { where: string; what: string[] }[] {
    const found: { where: string; what: string[] }[] = [];
    for (const line of this.log.lines) {
      const what = this.ledger.leaksIn(line);
      if (what.length > 0) found.push({ where: `log: ${line.slice(0, 120)}`, what });
    }
    for (const body of this.errorBodies) {
      const what = this.ledger.leaksIn(body);
      if (what.length > 0) found.push({ where: `answer: ${body.slice(0, 120)}`, what });
    }
    for (const report of this.engineOutput) {
      const what = this.ledger.leaksIn(report);
      if (what.length > 0) found.push({ where: `engine: ${report.slice(0, 120)}`, what });
    }
    return found;
  }

  async close(): Promise<void> {
    await this.running.close();
    await this.sts.close();
  }
}
