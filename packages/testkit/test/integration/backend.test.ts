import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, inject, it } from 'vitest';
import { s3Client, stsClient, type TemporaryKeys } from '../../src/index.js';
import { statusOf } from '../../src/s3-status.js';

const local = inject('localS3');

function alicePolicy(bucket: string) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/users/alice/*`],
      },
    ],
  });
}

async function assumeRole(policy?: string): Promise<TemporaryKeys> {
  const sts = stsClient(local, local.service);
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: local.roleArn,
      RoleSessionName: 'smoke-test',
      DurationSeconds: 900,
      ...(policy ? { Policy: policy } : {}),
    }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
    throw new Error('AssumeRole returned no credentials');
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken!,
  };
}

describe('the local backend is a real S3 + STS', () => {
  it('confines AssumeRole credentials to the session policy prefix', async () => {
    const s3 = s3Client(local, await assumeRole(alicePolicy(local.bucket)));
    const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'hello' }));
    expect(await statusOf(put('users/alice/hello.txt'))).toBe(200);
    expect(await statusOf(put('users/bob/hello.txt'))).toBe(403);
  });

  it('denies users/bob/ because of the session policy: role credentials without one may write there', async () => {
    const s3 = s3Client(local, await assumeRole());
    const Key = `users/bob/unscoped-${randomBytes(4).toString('hex')}.txt`;
    const put = s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'x' }));
    expect(await statusOf(put)).toBe(200);
    // The bucket is the run's: other files check that nothing of theirs landed under users/bob/.
    await s3Client(local, local.service).send(new DeleteObjectCommand({ Bucket: local.bucket, Key }));
  });

  it('completes a 12 MiB multipart upload with temporary credentials, byte-exact', async () => {
    const s3 = s3Client(local, await assumeRole(alicePolicy(local.bucket)));
    const Key = `users/alice/multipart-${Date.now()}.bin`;
    const body = randomBytes(12 * 1024 * 1024);
    const partSize = 5 * 1024 * 1024;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: local.bucket, Key }));
    const parts = [];
    for (let offset = 0, n = 1; offset < body.length; offset += partSize, n++) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: local.bucket,
          Key,
          UploadId,
          PartNumber: n,
          Body: body.subarray(offset, offset + partSize),
        }),
      );
      parts.push({ ETag, PartNumber: n });
    }
    expect(parts).toHaveLength(3);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: local.bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: local.bucket, Key }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(bytes.length).toBe(body.length);
    expect(bytes.equals(body)).toBe(true);
  });
});
