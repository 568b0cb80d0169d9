import type { Settings } from './config.js';

export type CredentialFormat = 'env' | 'aws-profile' | 'rclone' | 'json' | 'credential-process';
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  'env',
  'aws-profile',
  'rclone',
  'json',
  'credential-process',
];

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  bucket: string;
  prefix: string;
  /** Whether the grant may list the prefix (`--list`): the printed example command depends on it. */
  list?: boolean;
}

type Where = Pick<Settings, 'region' | 'endpoint' | 'forcePathStyle'>;

// Single quotes: session tokens hold `/`, `+` and `=`, which a shell must not touch.
const sh = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Which client versions read an endpoint from the environment or a config profile
 * (FACTS.md): older ones ignore it silently and send the partner's requests to AWS.
 * Debian 12 ships AWS CLI 2.9 and boto3 1.26, so the printed commands pass
 * `--endpoint-url`, which every version honours.
 */
export const ENDPOINT_KEY_MINIMUM = 'AWS CLI 2.13 (or 1.29) and boto3 1.28';

/** The boto3 client a partner builds; `endpoint_url` passed in code works on every boto3 version. */
function boto3Client(where: Where, profile?: string): string {
  const session = profile ? `boto3.Session(profile_name='${profile}')` : 'boto3.Session()';
  return `${session}.client('s3'${where.endpoint ? `, endpoint_url='${where.endpoint}'` : ''})`;
}

/** The AWS CLI command a partner runs: `ls` with --list, else a copy of one object. */
function awsCommand(c: IssuedCredentials, where: Where, profile?: string): string {
  const target = c.list ? `ls s3://${c.bucket}/${c.prefix}` : `cp s3://${c.bucket}/${c.prefix}<name> .`;
  return [
    `aws s3 ${target}`,
    ...(profile ? [`--profile ${profile}`] : []),
    ...(where.endpoint ? [`--endpoint-url ${where.endpoint}`] : [`--region ${where.region}`]),
  ].join(' ');
}

/**
 * Renders temporary credentials for a partner's tool: shell variables, an AWS config
 * profile, an rclone remote, JSON, or the `credential_process` JSON the AWS CLI and SDKs
 * read (`Version: 1`). `name` is the profile / remote name. Each text format starts with
 * comment lines giving the command that works with it on every client version.
 */
export function formatCredentials(
  format: CredentialFormat,
  c: IssuedCredentials,
  where: Where,
  name: string,
): string {
  const header = `read-only access to s3://${c.bucket}/${c.prefix} until ${c.expiration.toISOString()}`;
  const endpointNote = where.endpoint
    ? [
        `#   --endpoint-url is needed before ${ENDPOINT_KEY_MINIMUM}, which ignore the endpoint set here`,
        '#   and would send the requests to AWS instead.',
      ]
    : [];
  switch (format) {
    case 'env':
      return [
        `# s3up grant: ${header}`,
        '# Load into a shell with eval, then (every AWS CLI and boto3 version):',
        `#   ${awsCommand(c, where)}`,
        `#   python3: ${boto3Client(where)}`,
        ...endpointNote,
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
        `# s3up grant: ${header}`,
        '# Append to ~/.aws/config, then (every AWS CLI and boto3 version):',
        `#   ${awsCommand(c, where, name)}`,
        `#   python3: ${boto3Client(where, name)}`,
        ...endpointNote,
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
        `# s3up grant: ${header}`,
        '# Append to rclone.conf, then (rclone 1.53 or later, for no_check_bucket):',
        `#   rclone ${c.list ? 'ls' : 'copy'} ${name}:${c.bucket}/${c.prefix}${c.list ? '' : '<name> .'}`,
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
    case 'credential-process':
      // Exactly what `credential_process` must print, nothing else on standard output.
      return `${JSON.stringify({
        Version: 1,
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: c.expiration.toISOString(),
      })}\n`;
  }
}
