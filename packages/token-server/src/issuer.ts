// `@s3up/token-server/issuer`: AssumeRole with the per-user session policy, caching and STS
// error handling, without Express or the HTTP handler (the CLI's doctor probes through it,
// so it tests the path browsers get).
export {
  CredentialIssuer,
  type CredentialIssuerOptions,
  type Issued,
  type IssueRequest,
  type RetryOptions,
  type TemporaryCredentials,
} from './credential-issuer.js';
