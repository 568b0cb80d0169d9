export { type AwsClients, createAwsClients, s3ClientConfig } from './aws-clients.js';
export { type CheckResult, type CheckStatus, runDoctor } from './commands/doctor/index.js';
export { runGrant } from './commands/grant.js';
export { REVOKE_POLICY_NAME, revokePolicy, runRevoke } from './commands/revoke.js';
export { runSetup, type StepResult } from './commands/setup.js';
export { MAX_PRESIGN_SECONDS, runShare } from './commands/share.js';
export { runUpload } from './commands/upload.js';
export { loadSettings, type Settings } from './config.js';
export { type CredentialFormat, formatCredentials } from './credential-formats.js';
export {
  deploymentPlan,
  LIFECYCLE_RULE_ID,
  PERMISSION_POLICY_NAME,
  UNSUPPORTED_TAG,
} from './deployment-plan.js';
export { parseDuration } from './duration.js';
export { CliError, type CliErrorCode, EXIT, isCliError } from './errors.js';
export { defaultResumeFile, FileResumeStore } from './file-resume-store.js';
export type { CommandContext, Output } from './io.js';
export { runCli } from './program.js';
export { credentialsUrl } from './token-url.js';
