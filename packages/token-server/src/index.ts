// The public API of `@s3up/token-server`: what an application needs to host the service.
// The factories (the Fetch core, Express, Node http; the other hosts have their own
// subpaths), the authenticators, the audit logger, configuration from the environment,
// errors, and the types an application names in its options. The rules without the HTTP
// side live at Express-free subpaths: `./policy`, `./audit`, `./issuer`; shared stores at
// `./redis`, metrics at `./metrics`. Everything else is internal: tests inside the package
// import it from its own module. `test/unit/public-api.test.ts` pins this list.
export {
  createTokenRouter,
  type TokenRouter,
  type TokenRouterOptions,
} from './adapters/express.js';
export {
  createTokenServer,
  type RunningTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from './adapters/node-http.js';
export {
  type AuditLogger,
  type AuditLoggerOptions,
  createAuditLogger,
  type IssuanceRecord,
  type RefusalRecord,
} from './audit-log.js';
export type { AuthenticateFn, Authenticator, AuthRequest, AuthResult } from './authenticator.js';
export type { CredentialCacheOptions } from './credential-cache.js';
export type { RetryOptions } from './credential-issuer.js';
export { type DevAuthenticatorOptions, devAuthenticator } from './dev-authenticator.js';
export type { DurationLimits } from './duration.js';
export { configFromEnv, type EnvConfig } from './env-config.js';
export { isTokenServerError, TokenServerError, type TokenServerErrorCode } from './errors.js';
export { createTokenHandler, type TokenHandler } from './handler/create-token-handler.js';
export type { RateLimitOptions, TokenHandlerOptions } from './handler/options.js';
export type { UploadReceipt } from './handler/routes/uploads.js';
export { type JwtAuthenticatorOptions, jwtAuthenticator } from './jwt-authenticator.js';
export type { PresignMethod, PresignOptions } from './presigner.js';
export type { Scope } from './session-policy.js';
// The store interfaces and in-memory stores, for hosts that share limits, the cache, failure
// holds and purges between instances with a store of their own (Redis ones: `./redis`).
export * from './stores/index.js';
export type { UserIdMode } from './user-id.js';
