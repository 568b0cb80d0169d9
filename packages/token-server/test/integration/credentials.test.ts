import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { statusOf } from '@s3up/testkit/s3-status';
import { describe, expect, inject, it } from 'vitest';

const local = inject('localS3');
const ts = inject('tokenServer');

interface CredentialsBody {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  serverTime: string;
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  requestChecksumCalculation: string;
  prefix: string;
  scope: string;
  actions: string[];
  offeredScopes: string[];
}

async function credentialsFor(userId: string, body: Record<string, unknown> = {}): Promise<CredentialsBody> {
  const res = await fetch(`${ts.url}/credentials`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await mintToken(ts.jwt, userId)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as CredentialsBody;
}

function clientFor(c: CredentialsBody) {
  return s3Client(local, {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
  });
}

// A user id unique to this run, so reruns on a reused cluster start from an empty prefix.
const run = randomBytes(4).toString('hex');

describe('POST /credentials against the real local STS', () => {
  it('answers in the contract shape, scoped to users/<sub>/', async () => {
    const before = Date.now();
    const c = await credentialsFor(`alice-${run}`);
    expect(c).toMatchObject({
      bucket: local.bucket,
      region: local.region,
      endpoint: local.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      prefix: `users/alice-${run}/`,
      scope: 'upload',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    });
    // The scopes this server offers (the shared server enables upload, read and list), so a
    // client never asks for one it would be refused.
    expect(c.offeredScopes).toEqual(['upload', 'read', 'list']);
    expect(Date.parse(c.expiration)).toBeGreaterThan(before);
    expect(Math.abs(Date.parse(c.serverTime) - Date.now())).toBeLessThan(60_000);
  });

  it('writes under the user prefix and is refused (403) under another user, for DeleteObject and reads', async () => {
    const alice = `alice-${run}`;
    const c = await credentialsFor(alice);
    const s3 = clientFor(c);
    const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: 'hello' }));
    expect(await statusOf(put(`users/${alice}/hello.txt`))).toBe(200);
    expect(await statusOf(put(`users/bob-${run}/hello.txt`))).toBe(403);
    // `alice` must not reach `alice2/`: the prefix ends with "/".
    expect(await statusOf(put(`users/${alice}2/hello.txt`))).toBe(403);
    expect(await statusOf(put('outside.txt'))).toBe(403);
    expect(
      await statusOf(
        s3.send(new DeleteObjectCommand({ Bucket: local.bucket, Key: `users/${alice}/hello.txt` })),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: `users/${alice}/hello.txt` })),
      ),
    ).toBe(403);

    // The object is really there, byte for byte (read back with the bucket owner's keys).
    const owner = s3Client(local, local.service);
    const object = await owner.send(
      new GetObjectCommand({ Bucket: local.bucket, Key: `users/${alice}/hello.txt` }),
    );
    expect(await object.Body!.transformToString()).toBe('hello');
  });

  it('the list scope lists inside the prefix and is refused (403) outside it', async () => {
    const user = `lister-${run}`;
    const upload = clientFor(await credentialsFor(user));
    await upload.send(new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/a.txt`, Body: 'a' }));
    const s3 = clientFor(await credentialsFor(user, { scope: 'list' }));
    const mine = await s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: `users/${user}/` }));
    expect(mine.Contents?.map((o) => o.Key)).toEqual([`users/${user}/a.txt`]);
    expect(
      await statusOf(s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: 'users/' }))),
    ).toBe(403);
    expect(await statusOf(s3.send(new ListObjectsV2Command({ Bucket: local.bucket })))).toBe(403);
    expect(
      await statusOf(
        s3.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: `users/bob-${run}/` })),
      ),
    ).toBe(403);
  });

  it('the read scope reads inside the prefix only', async () => {
    const user = `reader-${run}`;
    const upload = clientFor(await credentialsFor(user));
    await upload.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/r.txt`, Body: 'read me' }),
    );
    const owner = s3Client(local, local.service);
    await owner.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `users/other-${run}/r.txt`, Body: 'no' }),
    );
    const s3 = clientFor(await credentialsFor(user, { scope: 'read' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: `users/${user}/r.txt` }));
    expect(await got.Body!.transformToString()).toBe('read me');
    expect(
      await statusOf(
        s3.send(new GetObjectCommand({ Bucket: local.bucket, Key: `users/other-${run}/r.txt` })),
      ),
    ).toBe(403);
    expect(
      await statusOf(
        s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/w.txt`, Body: 'x' })),
      ),
    ).toBe(403);
  });

  it('a multipart upload, ListParts and abort work with upload credentials', async () => {
    const user = `multi-${run}`;
    const s3 = clientFor(await credentialsFor(user));
    const Key = `users/${user}/big.bin`;
    const body = randomBytes(6 * 1024 * 1024);
    const part1 = body.subarray(0, 5 * 1024 * 1024);
    const part2 = body.subarray(5 * 1024 * 1024);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: local.bucket, Key }));
    const p1 = await s3.send(
      new UploadPartCommand({ Bucket: local.bucket, Key, UploadId, PartNumber: 1, Body: part1 }),
    );
    const listed = await s3.send(new ListPartsCommand({ Bucket: local.bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, part1.length]]);
    const p2 = await s3.send(
      new UploadPartCommand({ Bucket: local.bucket, Key, UploadId, PartNumber: 2, Body: part2 }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: local.bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    const owner = s3Client(local, local.service);
    const stored = await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(body)).toBe(true);

    // Abort is allowed too (a cancelled upload cleans up after itself).
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: local.bucket, Key: `${Key}.2` }));
    expect(
      await statusOf(
        s3.send(
          new AbortMultipartUploadCommand({
            Bucket: local.bucket,
            Key: `${Key}.2`,
            UploadId: second.UploadId,
          }),
        ),
      ),
    ).toBe(200);
  });

  it('credentials issued for 5 seconds stop working after', async () => {
    const user = `short-${run}`;
    const c = await credentialsFor(user, { durationSeconds: 5 });
    expect(Date.parse(c.expiration) - Date.parse(c.serverTime)).toBeLessThanOrEqual(6_000);
    const s3 = clientFor(c);
    const put = () =>
      s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/t.txt`, Body: 't' }));
    expect(await statusOf(put())).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(c.expiration) - Date.now()) + 1500),
    );
    expect(await statusOf(put())).toBe(403);
  });
});
