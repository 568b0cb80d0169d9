import type { CORSRule, LifecycleRule, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { actionsFor, BROWSER_EXPOSE_HEADERS, SCOPES } from '@s3up/contract';

/**
 * The actions the uploader role may ever grant: those of every scope (@s3up/contract's
 * SCOPE_ACTIONS), so a new scope reaches `setup`'s plan and `doctor`'s expectations without
 * a second list. Each session policy narrows them to one user's prefix and the scopes the
 * token server enables (a scope it does not enable is never in a session).
 */
export const ROLE_ACTIONS: readonly string[] = Object.freeze(actionsFor(SCOPES));
/** The bucket-level actions (on the bucket ARN, not on its objects). */
const BUCKET_ACTIONS = new Set(['s3:ListBucket']);

/** Name of the role's inline permission policy that `setup` owns. */
export const PERMISSION_POLICY_NAME = 's3up-bucket-access';
/** ID of the lifecycle rule that `setup` owns; other rules on the bucket are kept. */
export const LIFECYCLE_RULE_ID = 's3up-abort-incomplete-multipart';
/** Methods the browser uploader uses: PUT parts, POST create/complete, DELETE abort, GET/HEAD reads. */
export const CORS_METHODS = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE'] as const;
/** Request headers the AWS SDK sends from a browser: all must pass the CORS preflight. */
export const SDK_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
] as const;

export interface PlanInput {
  bucket: string;
  tokenServicePrincipal: string;
  origins: string[];
  maxSessionSeconds: number;
  abortIncompleteDays: number;
  partition?: string;
}

/** Who may assume the role: only the token service, and only with AssumeRole. */
export function trustPolicy(input: Pick<PlanInput, 'tokenServicePrincipal'>) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TokenServiceAssumesRole',
        Effect: 'Allow',
        Principal: { AWS: [input.tokenServicePrincipal] },
        Action: ['sts:AssumeRole'],
      },
    ],
  };
}

/** What any session may do at most; the token server's session policy narrows each one to a prefix. */
export function permissionPolicy(input: Pick<PlanInput, 'bucket' | 'partition'>) {
  const arn = `arn:${input.partition ?? 'aws'}:s3:::${input.bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'S3upObjects',
        Effect: 'Allow',
        Action: ROLE_ACTIONS.filter((a) => !BUCKET_ACTIONS.has(a)),
        Resource: [`${arn}/*`],
      },
      {
        Sid: 'S3upList',
        Effect: 'Allow',
        Action: ROLE_ACTIONS.filter((a) => BUCKET_ACTIONS.has(a)),
        Resource: [arn],
      },
    ],
  };
}

/** Browser CORS: the exact app origins, the SDK's headers, and ETag exposed (multipart needs it). */
export function corsRules(origins: string[]): CORSRule[] {
  return [
    {
      ID: 's3up-browser-uploads',
      AllowedOrigins: origins,
      AllowedMethods: [...CORS_METHODS],
      // `*` because the SDK's header set grows between versions (amz-sdk-*, x-amz-checksum-*).
      AllowedHeaders: ['*'],
      // What a browser uploader and a gallery read back (the list lives in @s3up/contract).
      ExposeHeaders: [...BROWSER_EXPOSE_HEADERS],
      // 3000 s: browsers cap preflight caching lower anyway (Chromium 2 h, Firefox 24 h).
      MaxAgeSeconds: 3000,
    },
  ];
}

export function lifecycleRule(days: number): LifecycleRule {
  return {
    ID: LIFECYCLE_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: days },
  };
}

export const PUBLIC_ACCESS_BLOCK: Required<
  Pick<
    PublicAccessBlockConfiguration,
    'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets'
  >
> = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/**
 * Bucket tag where `setup` records what it proved the endpoint cannot do (value: names
 * joined by `+`), so `doctor` can report "not supported by this endpoint" from evidence.
 */
export const UNSUPPORTED_TAG = 's3up:unsupported';

/** Everything a deployment needs, as documents: what `setup` prints and applies. */
export function deploymentPlan(input: PlanInput) {
  return {
    bucket: input.bucket,
    role: {
      trustPolicy: trustPolicy(input),
      permissionPolicyName: PERMISSION_POLICY_NAME,
      permissionPolicy: permissionPolicy(input),
      maxSessionDuration: input.maxSessionSeconds,
    },
    cors: { CORSRules: corsRules(input.origins) },
    lifecycle: { Rules: [lifecycleRule(input.abortIncompleteDays)] },
    publicAccessBlock: PUBLIC_ACCESS_BLOCK,
    ownershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' as const }] },
    encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } }] },
  };
}
export type DeploymentPlan = ReturnType<typeof deploymentPlan>;
