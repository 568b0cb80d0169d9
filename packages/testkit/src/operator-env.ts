import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalS3 } from './local-s3.js';

/** Profile of the bucket owner, who is also the token service the role trusts (S3 and STS). */
export const OWNER_PROFILE = 's3up-local-owner';
/** Profile of the IAM administrator (roles and their policies). */
export const ADMIN_PROFILE = 's3up-local-admin';
/**
 * What Ceph RGW 16 does not implement (PutBucketOwnershipControls, PutBucketEncryption
 * without a KMS, BlockPublicAcls without refusing every upload, an abort by a delete-scope
 * session, which RGW allows only to sessions that may also write): `setup` and `doctor`
 * report them as "not supported by this endpoint"; on the local backend they are accepted.
 */
export const LOCAL_UNSUPPORTED = [
  'public-access-block',
  'object-ownership',
  'default-encryption',
  'probe-delete-abort',
];

/**
 * Writes an AWS config and credentials file with one profile per identity the operator
 * needs on the local backend (RGW keeps them apart: the bucket owner cannot read IAM, the
 * IAM administrator cannot reach the owner's bucket settings), in `<dir>/aws/`.
 */
export async function writeOperatorProfiles(local: LocalS3, dir = local.dir) {
  const folder = join(dir, 'aws');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const configFile = join(folder, 'config');
  const credentialsFile = join(folder, 'credentials');
  const profiles = [
    [OWNER_PROFILE, local.service],
    [ADMIN_PROFILE, local.admin],
  ] as const;
  await writeFile(
    configFile,
    profiles.map(([name]) => `[profile ${name}]\nregion = ${local.region}\n`).join('\n'),
    { mode: 0o600 },
  );
  await writeFile(
    credentialsFile,
    profiles
      .map(
        ([name, keys]) =>
          `[${name}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
      )
      .join('\n'),
    { mode: 0o600 },
  );
  return { configFile, credentialsFile };
}

/**
 * The environment an operator runs `s3up setup` and `s3up doctor` with on the local
 * backend: S3 and STS as the bucket owner (the token service), IAM as the administrator,
 * the deployment's settings, and the local backend's known gaps accepted. The static key
 * variables are set empty: with them present the SDK would ignore the profiles.
 */
export async function localS3OperatorEnv(local: LocalS3, dir = local.dir): Promise<Record<string, string>> {
  const { configFile, credentialsFile } = await writeOperatorProfiles(local, dir);
  return {
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_PROFILE: OWNER_PROFILE,
    S3UP_IAM_PROFILE: ADMIN_PROFILE,
    S3UP_ENDPOINT: local.endpoint,
    S3UP_REGION: local.region,
    S3UP_BUCKET: local.bucket,
    S3UP_ROLE_ARN: local.roleArn,
    S3UP_FORCE_PATH_STYLE: 'true',
    S3UP_CHECKSUMS: 'WHEN_REQUIRED',
    S3UP_TOKEN_SERVICE_PRINCIPAL: local.service.arn,
    S3UP_ORIGINS: local.corsOrigins.join(','),
    S3UP_ACCEPT_UNSUPPORTED: LOCAL_UNSUPPORTED.join(','),
  };
}
