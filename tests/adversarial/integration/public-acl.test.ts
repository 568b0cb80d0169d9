import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetPublicAccessBlockCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { statusOf } from '@s3up/testkit/s3-status';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytesOf, clientFromAnswer, exists, ownerClient } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 9: issued credentials carry no s3:PutObjectAcl, so an upload that asks for a
// public ACL must be refused, and nothing may become readable anonymously.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');

describe('case 9: x-amz-acl: public-read with issued credentials', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  it('PutObject with a canned ACL or a grant header is refused, and nothing becomes readable anonymously', async () => {
    const user = `acl${run}`;
    const answer = await server.post('/credentials', user, {});
    expect(answer.status).toBe(200);
    const s3 = clientFromAnswer(local, answer.json);
    const key = `users/${user}/public.txt`;
    for (const ACL of ['public-read', 'public-read-write', 'authenticated-read'] as const) {
      const status = await statusOf(
        s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: 'x', ACL })),
      );
      expect({ ACL, status }).toEqual({ ACL, status: 403 });
    }
    const allUsers = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"';
    const grant = await statusOf(
      s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: 'x', GrantRead: allUsers })),
    );
    expect(grant).toBe(403);
    expect(await exists(local, key)).toBe(false);
    expect((await fetch(`${local.endpoint}/${local.bucket}/${key}`)).status).toBe(403);
    // The same credentials still upload without an ACL: the refusal is the ACL's.
    const plain = await statusOf(
      s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: key, Body: 'x' })),
    );
    expect(plain).toBe(200);
    expect((await fetch(`${local.endpoint}/${local.bucket}/${key}`)).status).toBe(403);
  });

  it('a multipart upload with ACL public-read (which RGW 16 does not refuse) is not readable anonymously', async () => {
    // AWS refuses the ACL outright (BucketOwnerEnforced, applied by `s3up setup`). RGW 16
    // accepts it on CreateMultipartUpload, which its policy evaluation does not see; the
    // bucket's IgnorePublicAcls makes the grant worthless.
    const user = `aclmpu${run}`;
    const answer = await server.post('/credentials', user, {});
    expect(answer.status).toBe(200);
    const s3 = clientFromAnswer(local, answer.json);
    const key = `users/${user}/public-multipart.txt`;
    const stored = await statusOf(multipart(s3, key, 'public-read'));
    expect([200, 403]).toContain(stored);
    const anonymous = await fetch(`${local.endpoint}/${local.bucket}/${key}`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).not.toContain('multipart body');
    if (stored === 200) expect((await bytesOf(local, key)).toString()).toBe('multipart body');
    const block = await ownerClient(local).send(new GetPublicAccessBlockCommand({ Bucket: local.bucket }));
    expect(block.PublicAccessBlockConfiguration?.IgnorePublicAcls).toBe(true);
  });
});

async function multipart(s3: S3Client, key: string, ACL: 'public-read'): Promise<void> {
  const bucket = local.bucket;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ACL }));
  const { ETag } = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'multipart body' }),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
    }),
  );
}
