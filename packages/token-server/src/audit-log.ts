import { type DestinationStream, type Logger, pino } from 'pino';

/** One line per issuance. Never holds a secret key or session token. */
export interface IssuanceRecord {
  /** `credentials` from POST /credentials, `presign` from POST /presign, `grant` from the CLI. */
  kind: 'credentials' | 'presign' | 'grant';
  /** The server's own id for the request (also its `X-Request-Id` answer header). */
  requestId?: string;
  /** What the client sent as `X-Request-Id`: recorded beside the server's, never as it. */
  clientRequestId?: string;
  userId: string;
  scope?: string;
  bucket: string;
  prefix: string;
  /** Presign only: the method and full key. */
  method?: string;
  key?: string;
  durationSeconds?: number;
  expiration: string;
  accessKeyId?: string;
  policySha256?: string;
  packedPolicySize?: number;
  cache?: 'hit' | 'miss' | 'shared';
  /** The client said S3 refused this cached session (`refusedAccessKeyId`); it was replaced. */
  replacedAccessKeyId?: string;
  ip?: string;
  userAgent?: string;
}

/** One line per refusal (401, 403, 413, 429, 5xx...). */
export interface RefusalRecord {
  kind: 'credentials' | 'presign' | 'uploads' | 'grant' | 'request';
  requestId?: string;
  clientRequestId?: string;
  /** 429 only: the limiter's key (`ip:…` or `user:…`); later refusals of its window are summarised. */
  rateLimitKey?: string;
  userId?: string;
  scope?: string;
  status: number;
  code: string;
  ip?: string;
  userAgent?: string;
}

export interface AuditLoggerOptions {
  /**
   * Where lines go, one JSON object per line. Default stdout through pino's own
   * asynchronous destination (sonic-boom): a line costs the request no blocking write
   * (issue 21 measured ~130 µs per request through a synchronous stream); lines waiting
   * while a write is in flight go out together. `flush()` (and the adapters' `close()`)
   * writes what is pending, so a graceful shutdown loses no line.
   */
  destination?: DestinationStream;
  /** Default `info`. `silent` turns the log off (not recommended outside tests). */
  level?: string;
  /** Added to every line, e.g. `{ service: 'uploads-eu' }`. */
  base?: Record<string, unknown>;
  /**
   * `PackedPolicySize` (percent) above which an issuance is logged as a warning. Default
   * 80: beyond it one more statement or a longer prefix may hit PackedPolicyTooLarge.
   */
  packedPolicyWarnPercent?: number;
}

export interface AuditLogger {
  issued(record: IssuanceRecord): void;
  refused(record: RefusalRecord): void;
  /** Operational events (start, STS failures): name and status only, never AWS messages. */
  event(level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>): void;
  /** The pino logger underneath, for an app that wants to share it. */
  readonly logger: Logger;
  /**
   * Resolves once every line written so far has reached the destination (for a stream
   * without `flush`, at once). Call before exiting; `close()` of the adapters does.
   */
  flush?(): Promise<void>;
}

// Defence in depth: even if a caller passes a credentials object by mistake, these never print.
const REDACT = [
  'secretAccessKey',
  'sessionToken',
  'SecretAccessKey',
  'SessionToken',
  'authorization',
  'password',
  'secret',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.SecretAccessKey',
  '*.SessionToken',
  '*.authorization',
  '*.secret',
];

/**
 * The audit trail: one JSON line per issuance and per refusal (pino), in the format the
 * CLI's `grant` also writes.
 *
 * @example
 * ```ts
 * const audit = createAuditLogger();
 * audit.issued({ kind: 'grant', userId: 'alice', scope: 'upload', bucket, prefix: 'users/alice/',
 *   durationSeconds: 3600, expiration: expiration.toISOString(), accessKeyId });
 * ```
 */
export function createAuditLogger(options: AuditLoggerOptions = {}): AuditLogger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: 's3up-token-server', ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino({ ...settings, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
  // Issuance and refusal lines are built from their records' known fields only, so no other
  // field (a secret passed by mistake) can reach the log, and they skip pino's redaction,
  // which was about half of an issuance line's cost on the cached path (issue 21). Same
  // destination, same format.
  const lines = pino(settings, destination);
  const warnAt = options.packedPolicyWarnPercent ?? 80;
  return {
    logger,
    flush: () =>
      new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve()))),
    issued(record) {
      const line = known(`${record.kind}.issued`, record, ISSUANCE_FIELDS);
      if (record.packedPolicySize !== undefined && record.packedPolicySize > warnAt) {
        lines.warn(
          line,
          `PackedPolicySize ${record.packedPolicySize}% is above ${warnAt}%: a longer prefix or one more statement may be refused by STS`,
        );
      } else {
        lines.info(line, 'issued');
      }
    },
    refused(record) {
      lines.info(known(`${record.kind}.refused`, record, REFUSAL_FIELDS), 'refused');
    },
    event(level, event, fields = {}) {
      logger[level]({ event, ...fields }, event);
    },
  };
}

// Every field of the record types, in the order lines print them.
const ISSUANCE_FIELDS = [
  'kind',
  'requestId',
  'clientRequestId',
  'userId',
  'scope',
  'bucket',
  'prefix',
  'method',
  'key',
  'durationSeconds',
  'expiration',
  'accessKeyId',
  'policySha256',
  'packedPolicySize',
  'cache',
  'replacedAccessKeyId',
  'ip',
  'userAgent',
] as const satisfies readonly (keyof IssuanceRecord)[];
const REFUSAL_FIELDS = [
  'kind',
  'requestId',
  'clientRequestId',
  'rateLimitKey',
  'userId',
  'scope',
  'status',
  'code',
  'ip',
  'userAgent',
] as const satisfies readonly (keyof RefusalRecord)[];

/** `{ event, ...record }` with only the named fields, and only plain values (never an object). */
function known<R extends object>(
  event: string,
  record: R,
  fields: readonly (keyof R & string)[],
): Record<string, string | number | boolean> {
  const line: Record<string, string | number | boolean> = { event };
  for (const field of fields) {
    const value: unknown = record[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      line[field] = value;
  }
  return line;
}
