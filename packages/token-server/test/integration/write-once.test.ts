import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { s3Client, stsClient } from '@s3up/testkit';
import { statusOf } from '@s3up/testkit/s3-status';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildSessionPolicy, type SessionPolicy, serializeSessionPolicy } from '../../src/policy.js';

// What Ceph RGW 16 (the local backend) does with the write-once session policy the server
// builds for AWS (`writeOnce: true`). Measured, not assumed: RGW accepts the policy, keeps
// confining the session to its prefix, and never applies the write-once statement, because it
// puts neither s3:if-none-match nor s3:ObjectCreationOperation in its request context. That is
// why the handler refuses `writeOnce` off AWS; if an RGW upgrade starts enforcing it, these
// tests fail and the refusal (options.ts) and docs/contracts.md should change with them.

const local = inject('localS3');
const run = randomBytes(4).toString('hex');
const prefix = `users/wo-${run}/`;
const sts = stsClient(local, local.service);
const owner = s3Client(local, local.service);
const clients: ReturnType<typeof s3Client>[] = [];

afterAll(() => {
  for (const c of [...clients, owner]) c.destroy();
  sts.destroy();
});

async function session(policy: SessionPolicy) {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: local.roleArn,
      RoleSessionName: `s3up-wo-${run}`,
      Policy: serializeSessionPolicy(policy),
      DurationSeconds: 900,
    }),
  );
  const c = out.Credentials!;
  const client = s3Client(local, {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  });
  clients.push(client);
  return client;
}

const read = async (Key: string) =>
  (await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key }))).Body!.transformToString();

describe('the write-once session policy on Ceph RGW 16 (measured)', () => {
  const writeOnce = buildSessionPolicy({ bucket: local.bucket, prefix, scope: 'upload', writeOnce: true });

  it('AssumeRole accepts it and the session stays confined to its prefix', async () => {
    const s3 = await session(writeOnce);
    expect(
      await statusOf(
        s3.send(
          new PutObjectCommand({ Bucket: local.bucket, Key: `${prefix}a`, Body: 'a', IfNoneMatch: '*' }),
        ),
      ),
    ).toBe(200);
    expect(
      await statusOf(
        s3.send(
          new PutObjectCommand({
            Bucket: local.bucket,
            Key: `users/other-${run}/a`,
            Body: 'a',
            IfNoneMatch: '*',
          }),
        ),
      ),
    ).toBe(403);
  });

  it('RGW does not enforce it: a PutObject without If-None-Match replaces an object (AWS would answer 403)', async () => {
    const s3 = await session(writeOnce);
    const Key = `${prefix}replaced.txt`;
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'first' }));
    expect(await statusOf(s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'second' })))).toBe(
      200,
    );
    expect(await read(Key)).toBe('second');
  });

  it('RGW does not enforce it on Complete either: a multipart upload without If-None-Match replaces an object', async () => {
    const s3 = await session(writeOnce);
    const Key = `${prefix}replaced-multipart.txt`;
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'first' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: local.bucket, Key }));
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: local.bucket, Key, UploadId, PartNumber: 1, Body: 'second' }),
    );
    expect(
      await statusOf(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: local.bucket,
            Key,
            UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
          }),
        ),
      ),
    ).toBe(200);
    expect(await read(Key)).toBe('second');
  });

  it('why: s3:if-none-match is not in its request context, even when the request carries the header', async () => {
    // An Allow that needs the key's value: on AWS a PutObject with If-None-Match: * passes it.
    const needsHeader: SessionPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CreateOnly',
          Effect: 'Allow',
          Action: ['s3:PutObject'],
          Resource: [`arn:aws:s3:::${local.bucket}/${prefix}*`],
          Condition: { StringEquals: { 's3:if-none-match': '*' } },
        },
      ],
    };
    const s3 = await session(needsHeader);
    expect(
      await statusOf(
        s3.send(
          new PutObjectCommand({
            Bucket: local.bucket,
            Key: `${prefix}probe-${run}`,
            Body: 'p',
            IfNoneMatch: '*',
          }),
        ),
      ),
    ).toBe(403);
  });

  it('what still protects on RGW: the client’s own If-None-Match: * on PutObject (412, the object kept)', async () => {
    const s3 = await session(writeOnce);
    const Key = `${prefix}kept.txt`;
    await owner.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'first' }));
    expect(
      await statusOf(
        s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'second', IfNoneMatch: '*' })),
      ),
    ).toBe(412);
    expect(await read(Key)).toBe('first');
  });
});
