import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { type CacheOutcome, CredentialCache, type CredentialCacheOptions } from './credential-cache.js';
import {
  clampDuration,
  type DurationLimits,
  type ResolvedDurationLimits,
  resolveDurationLimits,
} from './duration.js';
import { TokenServerError } from './errors.js';
import { roleSessionName, sourceIdentity } from './session-name.js';
import {
  actionsFor,
  buildSessionPolicy,
  policyHash,
  type Scope,
  serializeSessionPolicy,
  userPrefix,
} from './session-policy.js';
import { sessionTags } from './session-tags.js';
import { LocalPurgeSignal, type PurgeMessage, type PurgeSignal } from './stores/purge-signal.js';
import { classifyStsError, describeStsError, type StsFailureKind, toClientError } from './sts-errors.js';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** One issuance: the keys plus what the audit log records about them. */
export interface Issued {
  credentials: TemporaryCredentials;
  prefix: string;
  scope: Scope;
  actions: string[];
  durationSeconds: number;
  /** SHA-256 of the session policy text (absent in tag mode and for unscoped signing sessions). */
  policySha256: string | undefined;
  /** Percent of STS's packed policy limit, as STS reports it. */
  packedPolicySize: number | undefined;
  cache: CacheOutcome;
  /** Set when the request's `refusedAccessKeyId` matched the cached session, which was dropped. */
  replacedAccessKeyId?: string;
}

export interface RetryOptions {
  /** Total attempts for throttling and outages. Default 3: enough for a blip, short enough for a browser waiting. */
  attempts?: number;
  /** First backoff; doubles each time, with full jitter. Default 200 ms. */
  baseDelayMs?: number;
  /**
   * Each attempt is abandoned after this long. Default 5000 ms: STS answers in well under a
   * second; a hung connection must end in a 503, not hold the browser (and, through single
   * flight, every request of the same user) forever.
   */
  attemptTimeoutMs?: number;
}

export interface CredentialIssuerOptions {
  bucket: string;
  region: string;
  roleArn: string;
  /** STS endpoint. Default: the SDK's regional endpoint for `region` (never the global one). */
  stsEndpoint?: string;
  /** The server's own identity. Default: the SDK's provider chain (env, instance or task role). */
  credentials?: STSClientCredentials;
  /** An STS client to use instead of building one (tests inject one to fake failures). */
  sts?: STSClient;
  /** Default `users/`: each user gets `<prefixBase><id>/`. */
  prefixBase?: string;
  duration?: DurationLimits;
  /**
   * Default `session-policy`: a literal per-user policy on every AssumeRole. `session-tags`
   * passes the id as a tag for a fixed role policy (see buildTagRolePolicy).
   */
  policyMode?: 'session-policy' | 'session-tags';
  /** Send `SourceIdentity` (needs `sts:SetSourceIdentity` in the trust policy). Default false. */
  sourceIdentity?: boolean;
  /** Default `s3up-`: RoleSessionName is `<prefix><id>`, readable in CloudTrail. */
  sessionNamePrefix?: string;
  /** Default `aws`. */
  partition?: string;
  /**
   * Default false: an upload may replace an object under the user's prefix, as S3 does.
   * True: write-once is the rule of every `upload` session. Its session policy denies a
   * PutObject or CompleteMultipartUpload without `If-None-Match: *` (writeOnceStatement),
   * and the answer tells the client (`writeOnce: true`) so it sends the header and reports
   * an existing key as `exists`. AWS S3 enforces the condition; Ceph RGW 16 accepts it and
   * does not (measured), which is why the handler's options refuse it off AWS.
   */
  writeOnce?: boolean;
  cache?: CredentialCacheOptions<Issued>;
  /**
   * Carries `clearCache()` and revocations to every instance. Default in-process only; with
   * several instances use the Redis one (`@s3up/token-server/redis`).
   */
  purge?: PurgeSignal;
  retry?: RetryOptions;
  /** Called on every failed STS attempt, with only the error name and status (for the server log). */
  onStsError?: (info: {
    name: string;
    status: number | undefined;
    kind: StsFailureKind;
    attempt: number;
  }) => void;
  /** Called after every AssumeRole attempt, answered or failed, with its duration (metrics). */
  onStsCall?: (info: { seconds: number }) => void;
  /** Default `setTimeout`-based sleep; tests inject an instant one. */
  sleep?: (ms: number) => Promise<void>;
}

type STSClientCredentials = ConstructorParameters<typeof STSClient>[0] extends infer C
  ? C extends { credentials?: infer K }
    ? K
    : never
  : never;

export interface IssueRequest {
  userId: string;
  scope: Scope;
  /** Requested lifetime, clamped to the configured range. */
  durationSeconds?: number;
  /** Only serve cached credentials with at least this long left (presigned URLs need it). */
  minRemainingSeconds?: number;
  /**
   * The client's S3 refused the session with this access key id although it had not expired
   * (revoked, or the backend lost it): a cached entry with this key is dropped, not served again.
   */
  refusedAccessKeyId?: string;
}

/**
 * Calls AssumeRole for a user and scope with the minimum session policy, caching the
 * result per (user, scope, duration) and retrying throttling and outages with backoff.
 *
 * @example
 * ```ts
 * const issuer = new CredentialIssuer({ bucket: 's3up-uploads', region: 'eu-west-1', roleArn });
 * const issued = await issuer.issue({ userId: 'alice', scope: 'upload' });
 * issued.credentials.accessKeyId; issued.prefix; // 'users/alice/'
 * ```
 */
export class CredentialIssuer {
  readonly bucket: string;
  readonly region: string;
  readonly durations: ResolvedDurationLimits;
  readonly #options: CredentialIssuerOptions;
  readonly #sts: STSClient;
  readonly #cache: CredentialCache<Issued>;
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #attemptTimeoutMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #purge: PurgeSignal;
  readonly #unsubscribe: () => void;

  constructor(options: CredentialIssuerOptions) {
    if (!/^arn:aws[\w-]*:iam::[^:]*:role\/.+$/.test(options.roleArn)) {
      throw new TokenServerError(
        'invalid_config',
        `roleArn "${options.roleArn}" is not a role ARN (arn:aws:iam::<account>:role/<name>).`,
      );
    }
    if (!options.region)
      throw new TokenServerError('invalid_config', 'region is required (e.g. "eu-west-1").');
    // Validates bucket and prefix base once, at start, with a sample id.
    buildSessionPolicy({
      bucket: options.bucket,
      prefix: userPrefix('x', options.prefixBase),
      scope: 'upload',
    });
    this.bucket = options.bucket;
    this.region = options.region;
    this.durations = resolveDurationLimits(options.duration);
    this.#options = options;
    this.#attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.#attemptTimeoutMs = options.retry?.attemptTimeoutMs ?? 5000;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#cache = new CredentialCache<Issued>(options.cache);
    this.#purge = options.purge ?? new LocalPurgeSignal();
    // Another instance's clearCache() or a revocation: stop serving what it covers here too.
    this.#unsubscribe = this.#purge.subscribe((message) =>
      this.#cache.forget(message.userId === undefined ? undefined : `${message.userId}\0`, message.before),
    );
    this.#sts =
      options.sts ??
      new STSClient({
        region: options.region,
        ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        // Retries are ours (bounded, with jitter, and classified for RGW's unnamed errors).
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 3000 },
      });
  }

  /** Whether sessions of `scope` carry the write-once rule (see the `writeOnce` option). */
  writeOnceFor(scope: Scope): boolean {
    return this.#options.writeOnce === true && scope === 'upload';
  }

  prefixFor(userId: string): string {
    return userPrefix(userId, this.#options.prefixBase);
  }

  /** Credentials for a user and scope, from the cache when they have long enough left. */
  async issue(request: IssueRequest): Promise<Issued> {
    const durationSeconds = clampDuration(
      request.durationSeconds ?? (request.minRemainingSeconds ? request.minRemainingSeconds + 60 : undefined),
      this.durations,
    );
    const key = `${request.userId}\0${request.scope}\0${request.durationSeconds === undefined ? '' : durationSeconds}`;
    // Never below 5 s, even when the configured sessions are very short: an entry about to
    // expire (or already expired) must not be served.
    const minRemainingMs =
      request.minRemainingSeconds === undefined
        ? undefined
        : Math.max(5, Math.min(request.minRemainingSeconds, durationSeconds - 30)) * 1000;
    const replaced =
      request.refusedAccessKeyId !== undefined &&
      (await this.#cache.evictIf(key, (v) => v.credentials.accessKeyId === request.refusedAccessKeyId));
    const { value, outcome } = await this.#cache.get(
      key,
      (v) => v.credentials.expiration.getTime(),
      () => this.#assume(request.userId, request.scope, durationSeconds),
      minRemainingMs === undefined ? {} : { minRemainingMs },
    );
    return {
      ...value,
      cache: outcome,
      ...(replaced ? { replacedAccessKeyId: request.refusedAccessKeyId } : {}),
    };
  }

  /**
   * Role credentials with no session policy, for signing presigned POST policies (a POST
   * signed with session-policy credentials is refused by S3-compatible servers; the
   * POST policy's own key condition is its scope). Never sent to a client.
   */
  async signingCredentials(minRemainingSeconds: number): Promise<TemporaryCredentials> {
    const durationSeconds = clampDuration(minRemainingSeconds + 300, this.durations);
    const { value } = await this.#cache.get(
      '\0signing',
      (v) => v.credentials.expiration.getTime(),
      () => this.#assume(undefined, 'upload', durationSeconds),
      { minRemainingMs: Math.max(5, Math.min(minRemainingSeconds, durationSeconds - 30)) * 1000 },
    );
    return value.credentials;
  }

  /**
   * Forget cached credentials (all, or one user's in every scope and duration), on every
   * instance sharing the purge signal: none serves a session issued before this call.
   */
  async clearCache(userId?: string): Promise<void> {
    await this.revoke(new Date(), userId);
  }

  /**
   * After a revocation (`s3up revoke --before T`): no instance serves a cached session of
   * the user (or anyone's) issued before `before` again.
   */
  async revoke(before: Date, userId?: string): Promise<void> {
    const prefix = userId === undefined ? undefined : `${userId}\0`;
    await this.#cache.clear(prefix, { prefix: true });
    this.#cache.forget(prefix, before.getTime());
    await this.#purge.publish({ ...(userId === undefined ? {} : { userId }), before: before.getTime() });
  }

  /**
   * Calls `listener` whenever cached sessions are forgotten (this instance's clearCache or
   * revoke, and every other instance's through the purge signal), until the returned
   * function is called.
   */
  onPurge(listener: (message: PurgeMessage) => void): () => void {
    return this.#purge.subscribe(listener);
  }

  destroy(): void {
    this.#unsubscribe();
    if (!this.#options.sts) this.#sts.destroy();
  }

  async #assume(userId: string | undefined, scope: Scope, durationSeconds: number): Promise<Issued> {
    const prefix = userId === undefined ? '' : this.prefixFor(userId);
    const input: AssumeRoleCommandInput = {
      RoleArn: this.#options.roleArn,
      RoleSessionName: roleSessionName(userId ?? 'presign-signer', this.#options.sessionNamePrefix),
      DurationSeconds: durationSeconds,
    };
    let policySha256: string | undefined;
    if (userId !== undefined) {
      if (this.#options.policyMode === 'session-tags') {
        input.Tags = sessionTags(userId, scope);
      } else {
        const text = serializeSessionPolicy(
          buildSessionPolicy({
            bucket: this.bucket,
            prefix,
            scope,
            ...(this.#options.partition ? { partition: this.#options.partition } : {}),
            ...(this.#options.writeOnce ? { writeOnce: true } : {}),
          }),
        );
        input.Policy = text;
        policySha256 = policyHash(text);
      }
      if (this.#options.sourceIdentity) {
        const id = sourceIdentity(userId);
        if (id) input.SourceIdentity = id;
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // An abort signal per attempt works with an injected client too (requestTimeout in
        // the Node handler only logs unless told to throw).
        const started = performance.now();
        const out = await this.#sts
          .send(new AssumeRoleCommand(input), { abortSignal: AbortSignal.timeout(this.#attemptTimeoutMs) })
          .finally(() => this.#options.onStsCall?.({ seconds: (performance.now() - started) / 1000 }));
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new TokenServerError('sts_error', 'The credential service returned an incomplete answer.');
        }
        return {
          credentials: {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            expiration: new Date(c.Expiration),
          },
          prefix,
          scope,
          actions: actionsFor(scope),
          durationSeconds,
          policySha256,
          packedPolicySize: out.PackedPolicySize,
          cache: 'miss',
        };
      } catch (error) {
        if (error instanceof TokenServerError) throw error;
        const kind = classifyStsError(error);
        this.#options.onStsError?.({ ...describeStsError(error), kind, attempt });
        const retryable = kind === 'throttled' || kind === 'unavailable';
        if (!retryable || attempt >= this.#attempts) throw toClientError(kind, error);
        // Full jitter: spreads a burst of throttled requests instead of retrying in lockstep.
        await this.#sleep(Math.random() * this.#baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
