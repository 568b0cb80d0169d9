import { userInfo } from 'node:os';
import { type AuditLogger, createAuditLogger } from '@s3up/token-server/audit';
import { pino } from 'pino';
import type { Output } from './io.js';

/**
 * The token server's audit logger (same JSON line format, `event: "grant.issued"`),
 * appending to `path`, or writing to `fallback` (standard error) when no path is set:
 * standard output carries the credentials themselves.
 */
export function openAuditTrail(path: string | undefined, fallback: Output): AuditLogger {
  // Synchronous appends: the CLI exits right after the grant, and the line must be on disk.
  const destination = path
    ? pino.destination({ dest: path, append: true, sync: true, mkdir: true })
    : { write: (line: string) => void fallback.write(line) };
  return createAuditLogger({ destination, base: { service: 's3up-cli', operator: operator() } });
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
