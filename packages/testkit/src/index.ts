export { chromiumArgs, chromiumPath } from './chromium.js';
export { iamClient, s3Client, s3Config, stsClient, type TemporaryKeys } from './clients.js';
export { ensureBackendPackages, missingPackages } from './install.js';
export {
  type AwsKeys,
  DEFAULT_CORS_ORIGINS,
  isLocalS3Up,
  killGateway,
  type LocalS3,
  localS3Env,
  type RestartGatewayOptions,
  readLocalS3,
  restartGateway,
  restartLocalS3,
  type StartOptions,
  startGateway,
  startLocalS3,
  stopLocalS3,
} from './local-s3.js';
export {
  ADMIN_PROFILE,
  LOCAL_UNSUPPORTED,
  localS3OperatorEnv,
  OWNER_PROFILE,
  writeOperatorProfiles,
} from './operator-env.js';
export { freePort, freePorts } from './ports.js';
export {
  browserCors,
  denyAclUploadsPolicy,
  IGNORE_PUBLIC_ACLS,
  ROLE_ACTIONS,
  uploaderRolePolicy,
  uploaderTrustPolicy,
} from './provision.js';
export { type LocalRedis, redisCommand, type StartRedisOptions, startRedis } from './redis-server.js';
export { type RoundRobinProxy, roundRobinProxy } from './round-robin-proxy.js';
export { runShared } from './run-shared.js';
export { localBackendOptions } from './token-server-options.js';
