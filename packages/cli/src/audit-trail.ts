// Interim: the token server's `createAuditLogger` is not exported yet. Same line shape
// (`event: "grant.issued"`, one JSON object per line, never a secret); swap for the
// import once it lands.
import { createWriteStream } from 'node:fs';
import { pino } from 'pino';
import type { Output } from './io.js';

export interface GrantRecord {
  kind: 'grant';
  userId: string;
  scope: string;
  bucket: string;
  prefix: string;
  durationSeconds: number;
  expiration: string;
  accessKeyId?: string;
  policySha256?: string;
  packedPolicySize?: number;
  operator?: string;
}

export interface AuditTrail {
  issued(record: GrantRecord): void;
  /** Resolves when the line is on disk (the CLI exits right after). */
  close(): Promise<void>;
}

/** Appends audit lines to `path`, or writes them to `fallback` (standard error) when no path is set. */
export function openAuditTrail(path: string | undefined, fallback: Output): AuditTrail {
  const stream = path ? createWriteStream(path, { flags: 'a', mode: 0o600 }) : undefined;
  const destination = stream ?? { write: (line: string) => fallback.write(line) };
  const logger = pino(
    {
      base: { service: 's3up-cli' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['secretAccessKey', 'sessionToken', '*.secretAccessKey', '*.sessionToken'],
        censor: '[redacted]',
      },
    },
    destination,
  );
  return {
    issued(record) {
      logger.info({ event: `${record.kind}.issued`, ...record }, 'issued');
    },
    close() {
      if (!stream) return Promise.resolve();
      return new Promise((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    },
  };
}
