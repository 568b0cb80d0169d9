import type { LocalS3 } from './local-s3.js';

/**
 * The token server options that put it on the local backend: its bucket, region and role,
 * the S3/STS endpoint with path-style URLs, `WHEN_REQUIRED` checksums (Ceph RGW breaks on
 * the SDK's default CRC32, see the README) and the token service's own keys. Spread it into
 * `createTokenServer`, `createTokenHandler` or an adapter, then add what the test is about:
 *
 * @example
 * ```ts
 * createTokenServer({ ...localBackendOptions(local), authenticate: jwtAuthenticator(jwt) });
 * ```
 */
export function localBackendOptions(local: LocalS3) {
  return {
    bucket: local.bucket,
    region: local.region,
    roleArn: local.roleArn,
    endpoint: local.endpoint,
    forcePathStyle: true,
    checksums: 'WHEN_REQUIRED' as const,
    credentials: { accessKeyId: local.service.accessKeyId, secretAccessKey: local.service.secretAccessKey },
  };
}
