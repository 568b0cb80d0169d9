// `@s3up/token-server/audit`: the audit log's line format and logger, without Express or
// the HTTP handler (the CLI's grant writes the same lines).
export {
  type AuditLogger,
  type AuditLoggerOptions,
  createAuditLogger,
  type IssuanceRecord,
  type RefusalRecord,
} from './audit-log.js';
