// `@s3up/token-server/policy`: the session policy the server puts on every AssumeRole, and
// its errors, without Express or the HTTP handler (the CLI's grant and doctor use it).
export { isTokenServerError, TokenServerError, type TokenServerErrorCode } from './errors.js';
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
  writeOnceStatement,
} from './session-policy.js';
// `policyMode: 'session-tags'`: the fixed role policy the session tags are checked against.
export { buildTagRolePolicy, SCOPE_TAG, type TagRolePolicyInput, USER_TAG } from './session-tags.js';
