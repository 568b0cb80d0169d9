import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Settings } from './config.js';

/** The AWS clients a command uses. Tests inject their own (one identity for IAM, another for STS). */
export interface AwsClients {
  s3: S3Client;
  sts: STSClient;
  iam: IAMClient;
}

export type Credentials = NonNullable<S3ClientConfig['credentials']>;

type ClientSettings = Pick<
  Settings,
  'region' | 'endpoint' | 'forcePathStyle' | 'checksums' | 'profile' | 'stsProfile' | 'iamProfile'
> &
  Partial<Pick<Settings, 'requestTimeoutSeconds'>>;

/**
 * Every call the CLI makes is small (settings, a role, AssumeRole, one object); AWS answers
 * them in well under a second. At most 3 s to connect and `--request-timeout` (5 s) in all
 * per attempt, two attempts: an endpoint that accepts connections and never answers is
 * reported within about ten seconds instead of hanging the operator's terminal (the SDK
 * default waits forever).
 */
export const CONNECT_TIMEOUT_MS = 3000;
export const MAX_ATTEMPTS = 2;

function bounded(settings: Partial<Pick<Settings, 'requestTimeoutSeconds'>>) {
  const total = (settings.requestTimeoutSeconds ?? 5) * 1000;
  return {
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, total),
      requestTimeout: total,
      // Without it the handler only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
  };
}

/** S3 client settings: endpoint, path style and checksum mode from the deployment's settings. */
export function s3ClientConfig(settings: ClientSettings, credentials?: Credentials): S3ClientConfig {
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: settings.checksums,
    responseChecksumValidation: settings.checksums,
    ...bounded(settings),
    ...(credentials ? { credentials } : {}),
    ...(settings.profile && !credentials ? { profile: settings.profile } : {}),
  };
}

/**
 * Clients from the SDK's default credential chain, one identity each where a backend needs
 * it: S3 as `--profile` (the bucket owner), IAM as `--iam-profile` (an IAM administrator;
 * Ceph RGW keeps the two apart), STS as `--sts-profile` (the token service, whom the role
 * trusts). Each defaults to `--profile`.
 */
export function createAwsClients(settings: ClientSettings): AwsClients {
  const common = {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...bounded(settings),
  };
  const as = (profile: string | undefined) => {
    const p = profile ?? settings.profile;
    return p ? { profile: p } : {};
  };
  return {
    s3: new S3Client(s3ClientConfig(settings)),
    sts: new STSClient({ ...common, ...as(settings.stsProfile) }),
    iam: new IAMClient({ ...common, ...as(settings.iamProfile) }),
  };
}
