import type { Settings } from './config.js';

export type CredentialFormat = 'env' | 'aws-profile' | 'rclone' | 'json';
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = ['env', 'aws-profile', 'rclone', 'json'];

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  bucket: string;
  prefix: string;
}

type Where = Pick<Settings, 'region' | 'endpoint' | 'forcePathStyle'>;

// Single quotes: session tokens hold `/`, `+` and `=`, which a shell must not touch.
const sh = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Renders temporary credentials for a partner's tool: shell variables, an AWS config
 * profile, an rclone remote, or JSON. `name` is the profile / remote name.
 */
export function formatCredentials(
  format: CredentialFormat,
  c: IssuedCredentials,
  where: Where,
  name: string,
): string {
  const header = `read-only access to s3://${c.bucket}/${c.prefix} until ${c.expiration.toISOString()}`;
  switch (format) {
    case 'env':
      return [
        `# s3up grant: ${header}`,
        `export AWS_ACCESS_KEY_ID=${sh(c.accessKeyId)}`,
        `export AWS_SECRET_ACCESS_KEY=${sh(c.secretAccessKey)}`,
        `export AWS_SESSION_TOKEN=${sh(c.sessionToken)}`,
        `export AWS_REGION=${sh(where.region)}`,
        ...(where.endpoint ? [`export AWS_ENDPOINT_URL_S3=${sh(where.endpoint)}`] : []),
        `export S3UP_BUCKET=${sh(c.bucket)}`,
        `export S3UP_PREFIX=${sh(c.prefix)}`,
        '',
      ].join('\n');
    case 'aws-profile':
      return [
        `# s3up grant: ${header}. Append to ~/.aws/config, then: aws s3 ls s3://${c.bucket}/${c.prefix} --profile ${name}`,
        `[profile ${name}]`,
        `aws_access_key_id = ${c.accessKeyId}`,
        `aws_secret_access_key = ${c.secretAccessKey}`,
        `aws_session_token = ${c.sessionToken}`,
        `region = ${where.region}`,
        ...(where.endpoint ? [`endpoint_url = ${where.endpoint}`] : []),
        ...(where.forcePathStyle ? ['s3 =', '  addressing_style = path'] : []),
        '',
      ].join('\n');
    case 'rclone':
      return [
        `# s3up grant: ${header}. Append to rclone.conf, then: rclone ls ${name}:${c.bucket}/${c.prefix}`,
        `[${name}]`,
        'type = s3',
        // `Other` for S3-compatible endpoints: rclone then makes no provider-specific assumptions.
        `provider = ${where.endpoint ? 'Other' : 'AWS'}`,
        'env_auth = false',
        `access_key_id = ${c.accessKeyId}`,
        `secret_access_key = ${c.secretAccessKey}`,
        `session_token = ${c.sessionToken}`,
        `region = ${where.region}`,
        ...(where.endpoint ? [`endpoint = ${where.endpoint}`] : []),
        ...(where.forcePathStyle ? ['force_path_style = true'] : []),
        // The grant cannot list or create buckets: stop rclone from trying.
        'no_check_bucket = true',
        '',
      ].join('\n');
    case 'json':
      return `${JSON.stringify({
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: c.expiration.toISOString(),
        bucket: c.bucket,
        prefix: c.prefix,
        region: where.region,
        ...(where.endpoint ? { endpoint: where.endpoint, forcePathStyle: where.forcePathStyle } : {}),
      })}\n`;
  }
}
