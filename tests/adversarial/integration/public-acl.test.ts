import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientFromAnswer, exists, statusOf } from '../support/s3-probe.js';
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
});
