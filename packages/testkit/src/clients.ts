import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsKeys, LocalS3 } from './local-s3.js';

export interface TemporaryKeys extends AwsKeys {
  sessionToken?: string;
}

/**
 * The S3 client settings Ceph RGW needs: path-style addressing, and checksums only when
 * an operation requires them (with the SDK's default CRC32, stream bodies fail with 411).
 */
export function s3Config(
  local: Pick<LocalS3, 'endpoint' | 'region'>,
  credentials: TemporaryKeys,
): S3ClientConfig {
  return {
    endpoint: local.endpoint,
    region: local.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials,
    maxAttempts: 1,
  };
}

export function s3Client(local: Pick<LocalS3, 'endpoint' | 'region'>, credentials: TemporaryKeys): S3Client {
  return new S3Client(s3Config(local, credentials));
}

export function stsClient(local: Pick<LocalS3, 'endpoint' | 'region'>, credentials: AwsKeys): STSClient {
  return new STSClient({ endpoint: local.endpoint, region: local.region, credentials, maxAttempts: 1 });
}

export function iamClient(local: Pick<LocalS3, 'endpoint' | 'region'>, credentials: AwsKeys): IAMClient {
  return new IAMClient({ endpoint: local.endpoint, region: local.region, credentials, maxAttempts: 1 });
}
