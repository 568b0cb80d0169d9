export {
  createTokenRouter,
  type RateLimitOptions,
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
export { type CacheOutcome, CredentialCache, type CredentialCacheOptions } from './credential-cache.js';
export {
  CredentialIssuer,
  type CredentialIssuerOptions,
  type Issued,
  type IssueRequest,
  type RetryOptions,
  type TemporaryCredentials,
} from './credential-issuer.js';
export { type DevAuthenticatorOptions, devAuthenticator } from './dev-authenticator.js';
export {
  AWS_MAX_SESSION_SECONDS,
  AWS_MIN_SESSION_SECONDS,
  clampDuration,
  type DurationLimits,
  type ResolvedDurationLimits,
  ROLE_CHAINING_MAX_SECONDS,
  resolveDurationLimits,
} from './duration.js';
export { configFromEnv, type EnvConfig, envSchema } from './env-config.js';
export { isTokenServerError, TokenServerError, type TokenServerErrorCode } from './errors.js';
export type { HandlerContext, RouteName } from './handler/context.js';
export {
  createTokenHandler,
  defaultRefreshWindowSeconds,
  type TokenHandler,
} from './handler/create-token-handler.js';
export { checkOptions, type OptionIssue, type TokenHandlerOptions } from './handler/options.js';
export type { UploadReceipt } from './handler/routes/uploads.js';
export { type JwtAuthenticatorOptions, jwtAuthenticator } from './jwt-authenticator.js';
export { MAX_KEY_BYTES, scopedKey } from './object-key.js';
export { originAllowlist } from './origin-allowlist.js';
export {
  Presigner,
  type PresignMethod,
  type PresignOptions,
  type PresignRequest,
  type PresignResult,
} from './presigner.js';
export { roleSessionName, SESSION_NAME_PATTERN, sourceIdentity } from './session-name.js';
export {
  actionsFor,
  assertPrefix,
  buildSessionPolicy,
  MAX_SESSION_POLICY_LENGTH,
  type PolicyStatement,
  policyHash,
  SCOPE_ACTIONS,
  SCOPES,
  type Scope,
  type SessionPolicy,
  type SessionPolicyInput,
  serializeSessionPolicy,
  userPrefix,
} from './session-policy.js';
export {
  buildTagRolePolicy,
  SCOPE_TAG,
  type SessionTag,
  sessionTags,
  type TagRolePolicyInput,
  USER_TAG,
} from './session-tags.js';
export * from './stores/index.js';
export { classifyStsError, type StsFailureKind } from './sts-errors.js';
export { resolveUserId, USER_ID_PATTERN, type UserIdMode, type UserIdOptions } from './user-id.js';
