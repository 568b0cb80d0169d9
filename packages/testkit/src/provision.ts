import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { actionsFor, BROWSER_EXPOSE_HEADERS, SCOPES } from '@s3up/contract';
import { iamClient, s3Client } from './clients.js';
import type { LocalS3 } from './local-s3.js';

/**
 * The actions the uploader role may ever grant: those of every scope (@s3up/contract's
 * SCOPE_ACTIONS), so a new scope reaches the local role without a second list. Each session
 * policy narrows them to one user's prefix and the scopes asked for.
 */
export const ROLE_ACTIONS: string[] = actionsFor(SCOPES);

export function uploaderTrustPolicy(servicePrincipalArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: [servicePrincipalArn] }, Action: ['sts:AssumeRole'] }],
  };
}

export function uploaderRolePolicy(bucket: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ROLE_ACTIONS,
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    ],
  };
}

/** The browser-facing bucket CORS: exact origins, the x-amz-* headers, and ETag exposed. */
export function browserCors(origins: string[]) {
  return {
    CORSRules: [
      {
        AllowedOrigins: origins,
        AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD', 'DELETE'],
        AllowedHeaders: ['*'],
        // What a browser uploader and a gallery read back (the list lives in @s3up/contract).
        ExposeHeaders: [...BROWSER_EXPOSE_HEADERS],
        MaxAgeSeconds: 3000,
      },
    ],
  };
}

/** Request headers that ask S3 to attach an ACL to a new object. */
const ACL_HEADERS = [
  's3:x-amz-acl',
  's3:x-amz-grant-read',
  's3:x-amz-grant-read-acp',
  's3:x-amz-grant-write-acp',
  's3:x-amz-grant-full-control',
];

/**
 * Refuses uploads that carry an ACL, so upload credentials cannot publish an object
 * (x-amz-acl: public-read). On AWS, Object Ownership BucketOwnerEnforced does this (`s3up
 * setup`); Ceph RGW 16 has no such setting, and its Block Public Access also refuses plain
 * uploads by temporary credentials, so the local bucket gets this policy instead.
 * `StringLike "?*"` matches only a non-empty value: RGW reports a missing header as "", AWS
 * as absent (no match), so plain uploads pass on both.
 *
 * RGW 16 does not evaluate these keys for CreateMultipartUpload, so a multipart upload can
 * still carry an ACL locally; `IGNORE_PUBLIC_ACLS` makes such an ACL grant nothing.
 */
export function denyAclUploadsPolicy(bucket: string) {
  return {
    Version: '2012-10-17',
    Statement: ACL_HEADERS.map((key, i) => ({
      Sid: `DenyObjectAcl${i}`,
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject'],
      Resource: [`arn:aws:s3:::${bucket}/*`],
      Condition: { StringLike: { [key]: ['?*'] } },
    })),
  };
}

/**
 * The part of Block Public Access that RGW 16 applies without refusing plain uploads by
 * temporary credentials (BlockPublicAcls does refuse them): public ACLs, however they were
 * set (a multipart upload's `ACL: public-read`, which the policy above cannot see), grant
 * nothing, and a public bucket policy would not open the bucket.
 */
export const IGNORE_PUBLIC_ACLS = { IgnorePublicAcls: true, RestrictPublicBuckets: true } as const;

/** Bucket (owned by the token service's user), CORS, its ACL guards, and the uploader role. */
export async function provision(local: LocalS3): Promise<void> {
  const s3 = s3Client(local, local.service);
  const iam = iamClient(local, local.admin);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: local.bucket }));
    await s3.send(
      new PutBucketCorsCommand({ Bucket: local.bucket, CORSConfiguration: browserCors(local.corsOrigins) }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: local.bucket,
        Policy: JSON.stringify(denyAclUploadsPolicy(local.bucket)),
      }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: local.bucket,
        PublicAccessBlockConfiguration: IGNORE_PUBLIC_ACLS,
      }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: local.roleName,
        Path: '/',
        AssumeRolePolicyDocument: JSON.stringify(uploaderTrustPolicy(local.service.arn)),
        MaxSessionDuration: 43200,
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: local.roleName,
        PolicyName: 's3up-bucket-access',
        PolicyDocument: JSON.stringify(uploaderRolePolicy(local.bucket)),
      }),
    );
  } finally {
    s3.destroy();
    iam.destroy();
  }
}
