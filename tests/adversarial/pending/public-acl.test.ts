import { randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientFromAnswer, exists, statusOf } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// FINDINGS.md F3 (pending): move to integration/ once the bucket blocks public ACLs.
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

  it('PutObject and CreateMultipartUpload with ACL public-read are refused; the object is not readable anonymously', async () => {
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
      const multipart = await statusOf(
        s3.send(new CreateMultipartUploadCommand({ Bucket: local.bucket, Key: `${key}.mp`, ACL })),
      );
      expect({ ACL, multipart }).toEqual({ ACL, multipart: 403 });
    }
    expect(await exists(local, key)).toBe(false);
    const anonymous = await fetch(`${local.endpoint}/${local.bucket}/${key}`);
    expect(anonymous.status).toBe(403);
  });
});
