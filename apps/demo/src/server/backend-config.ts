import type { LocalS3 } from '@s3up/testkit';
import { DemoError } from './demo-error.js';

/** Where the demo's files live and how the token server reaches S3 and STS. */
export interface BackendConfig {
  /** `local`: the Ceph RGW from @s3up/testkit; `aws`: real AWS from the S3UP_* variables. */
  kind: 'local' | 'aws';
  bucket: string;
  region: string;
  /** The role the token server assumes for each user. */
  roleArn: string;
  /** Unset on AWS; the local backend's URL otherwise. */
  endpoint?: string;
  forcePathStyle: boolean;
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /**
   * The token server's own long-term keys. Unset on AWS: the SDK's default chain
   * (AWS_* variables, instance or task role) supplies them.
   */
  serviceCredentials?: { accessKeyId: string; secretAccessKey: string };
}

type Env = Record<string, string | undefined>;

/** The secret the demo signs its JWTs with and the token server verifies them with (HS256). */
export const AUTH_SECRET_VARIABLE = 'S3UP_AUTH_SECRET';
// HS256 keys shorter than the hash (32 bytes) are brute-forceable (RFC 7518 §3.2).
const MIN_SECRET_BYTES = 32;

/** The demo on the local backend: values come from the running cluster, not from the env. */
export function localBackend(local: LocalS3): BackendConfig {
  return {
    kind: 'local',
    bucket: local.bucket,
    region: local.region,
    roleArn: local.roleArn,
    endpoint: local.endpoint,
    forcePathStyle: true,
    // Ceph RGW breaks on the SDK's default CRC32 (testkit README).
    checksums: 'WHEN_REQUIRED',
    serviceCredentials: {
      accessKeyId: local.service.accessKeyId,
      secretAccessKey: local.service.secretAccessKey,
    },
  };
}

/**
 * Real AWS when `S3UP_BUCKET` is set, else `null` (the caller boots the local backend).
 * Every variable is checked here, at start, so a typo fails before the first request.
 */
export function backendFromEnv(env: Env): BackendConfig | null {
  const bucket = env.S3UP_BUCKET?.trim();
  if (!bucket) return null;
  const required = (name: string, hint: string): string => {
    const value = env[name]?.trim();
    if (!value)
      throw new DemoError(
        'config',
        `${name} is missing: ${hint} (S3UP_BUCKET is set, so the demo runs on AWS)`,
      );
    return value;
  };
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new DemoError(
      'config',
      `S3UP_BUCKET="${bucket}" is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)`,
    );
  const region = required('S3UP_REGION', "set it to the bucket's region, e.g. eu-west-1");
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new DemoError(
      'config',
      `S3UP_REGION="${region}" does not look like an AWS region (e.g. eu-west-1)`,
    );
  const roleArn = required(
    'S3UP_ROLE_ARN',
    'set it to the role the token server assumes (s3up setup prints it)',
  );
  if (!/^arn:aws[\w-]*:iam::\d*:role\/.+$/.test(roleArn))
    throw new DemoError(
      'config',
      `S3UP_ROLE_ARN="${roleArn}" is not a role ARN (arn:aws:iam::123456789012:role/name)`,
    );
  const endpoint = env.S3UP_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new DemoError('config', `S3UP_ENDPOINT="${endpoint}" must be an http(s) URL, or unset on AWS`);
  const pathStyle = env.S3UP_FORCE_PATH_STYLE?.trim() || 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false')
    throw new DemoError('config', `S3UP_FORCE_PATH_STYLE must be "true" or "false", got "${pathStyle}"`);
  const checksums = env.S3UP_CHECKSUMS?.trim() || 'WHEN_SUPPORTED';
  if (checksums !== 'WHEN_SUPPORTED' && checksums !== 'WHEN_REQUIRED')
    throw new DemoError(
      'config',
      `S3UP_CHECKSUMS must be WHEN_SUPPORTED or WHEN_REQUIRED, got "${checksums}"`,
    );
  const config: BackendConfig = {
    kind: 'aws',
    bucket,
    region,
    roleArn,
    forcePathStyle: pathStyle === 'true',
    checksums,
  };
  if (endpoint) config.endpoint = endpoint;
  return config;
}

/**
 * The HS256 secret from `S3UP_AUTH_SECRET`. On the local backend a random one is fine
 * (nothing outlives the process); on AWS it is required, so that the token server you
 * deploy can verify the same tokens.
 */
export function authSecretFromEnv(env: Env, kind: BackendConfig['kind']): string | undefined {
  const secret = env[AUTH_SECRET_VARIABLE];
  if (!secret) {
    if (kind === 'aws')
      throw new DemoError(
        'config',
        `${AUTH_SECRET_VARIABLE} is missing: set it to at least ${MIN_SECRET_BYTES} random bytes, e.g. $(openssl rand -base64 48)`,
      );
    return undefined;
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    throw new DemoError(
      'config',
      `${AUTH_SECRET_VARIABLE} is too short (${Buffer.byteLength(secret)} bytes): use at least ${MIN_SECRET_BYTES}, e.g. $(openssl rand -base64 48)`,
    );
  return secret;
}
