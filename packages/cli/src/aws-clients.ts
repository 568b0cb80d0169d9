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
  'region' | 'endpoint' | 'forcePathStyle' | 'checksums' | 'profile' | 'stsProfile'
>;

/** S3 client settings: endpoint, path style and checksum mode from the deployment's settings. */
export function s3ClientConfig(settings: ClientSettings, credentials?: Credentials): S3ClientConfig {
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: settings.checksums,
    responseChecksumValidation: settings.checksums,
    ...(credentials ? { credentials } : {}),
    ...(settings.profile && !credentials ? { profile: settings.profile } : {}),
  };
}

/** Clients from the SDK's default credential chain (or `--profile`). */
export function createAwsClients(settings: ClientSettings): AwsClients {
  const common = {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
  };
  return {
    s3: new S3Client(s3ClientConfig(settings)),
    sts: new STSClient({
      ...common,
      ...(settings.stsProfile ? { profile: settings.stsProfile } : {}),
    }),
    iam: new IAMClient(common),
  };
}
