import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { localBackendOptions, s3Client } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { statusOf } from '@s3up/testkit/s3-status';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createAuditLogger, createTokenServer, jwtAuthenticator } from '../../src/index.js';

// The opt-in `delete` scope (#19 item 4) on the real backend: DeleteObject and
// AbortMultipartUpload inside the user's own prefix, 403 anywhere else, and no delete
// credentials at all from a server that did not enable the scope.

const local = inject('localS3');
const shared = inject('tokenServer'); // upload, read and list: no delete
const jwt = {
  secret: randomBytes(32).toString('hex'),
  issuer: 'https://id.s3up.test',
  audience: 's3up-delete',
};
const run = randomBytes(4).toString('hex');
const alice = `alice-${run}`;
const bob = `bob-${run}`;
const owner = s3Client(local, local.service);
const audit: Record<string, unknown>[] = [];

const server = await createTokenServer({
  ...localBackendOptions(local),
  authenticate: jwtAuthenticator(jwt),
  scopes: ['upload', 'list', 'delete'],
  duration: { minSeconds: 1, maxSeconds: 3600, defaultSeconds: 900 },
  audit: createAuditLogger({ destination: { write: (line: string) => void audit.push(JSON.parse(line)) } }),
}).listen();

afterAll(async () => {
  await server.close();
  owner.destroy();
});

interface Answer {
  status: number;
  body: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    prefix: string;
    scope: string;
    actions: string[];
    error?: { code: string; message: string };
  };
}

async function credentials(
  url: string,
  auth: { secret: string; issuer: string; audience: string },
  user: string,
  scope: string,
): Promise<Answer> {
  const res = await fetch(`${url}/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await mintToken(auth, user)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

function clientOf({ body }: Answer) {
  return s3Client(local, {
    accessKeyId: body.accessKeyId,
    secretAccessKey: body.secretAccessKey,
    sessionToken: body.sessionToken,
  });
}

const exists = (Key: string) => statusOf(owner.send(new HeadObjectCommand({ Bucket: local.bucket, Key })));
const seed = (Key: string) => owner.send(new PutObjectCommand({ Bucket: local.bucket, Key, Body: Key }));

describe('the delete scope', () => {
  it("deletes the user's own object and nothing of another user's (403), nor outside any prefix", async () => {
    const mine = `users/${alice}/photo.jpg`;
    const theirs = `users/${bob}/photo.jpg`;
    const sibling = `users/${alice}2/photo.jpg`;
    await Promise.all([seed(mine), seed(theirs), seed(sibling), seed(`outside-${run}.txt`)]);

    const answer = await credentials(server.url, jwt, alice, 'delete');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      scope: 'delete',
      prefix: `users/${alice}/`,
      actions: ['s3:DeleteObject', 's3:AbortMultipartUpload'],
    });
    const s3 = clientOf(answer);
    const del = (Key: string) => statusOf(s3.send(new DeleteObjectCommand({ Bucket: local.bucket, Key })));

    expect(await del(theirs)).toBe(403);
    expect(await del(sibling)).toBe(403);
    expect(await del(`outside-${run}.txt`)).toBe(403);
    expect(await exists(theirs)).toBe(200);
    expect(await exists(sibling)).toBe(200);
    expect(await exists(`outside-${run}.txt`)).toBe(200);

    expect(await del(mine)).toBe(200);
    expect(await exists(mine)).toBe(404);

    // Delete credentials delete and nothing else: no writing, not even in the own prefix.
    expect(
      await statusOf(s3.send(new PutObjectCommand({ Bucket: local.bucket, Key: mine, Body: 'back' }))),
    ).toBe(403);
    s3.destroy();
    await Promise.all(
      [theirs, sibling, `outside-${run}.txt`].map((Key) =>
        owner.send(new DeleteObjectCommand({ Bucket: local.bucket, Key })),
      ),
    );
  });

  it("refuses to abort another user's multipart upload (403); on Ceph RGW 16 even the user's own needs s3:PutObject", async () => {
    // Each upload started by its user, with their own upload credentials, as a browser would.
    const open = async (user: string) => {
      const Key = `users/${user}/big-${run}.bin`;
      const uploader = clientOf(await credentials(server.url, jwt, user, 'upload'));
      const { UploadId } = await uploader.send(
        new CreateMultipartUploadCommand({ Bucket: local.bucket, Key }),
      );
      return { Key, UploadId: UploadId!, uploader };
    };
    const mine = await open(alice);
    const theirs = await open(bob);
    const s3 = clientOf(await credentials(server.url, jwt, alice, 'delete'));
    const abort = (client: typeof s3, { Key, UploadId }: { Key: string; UploadId: string }) =>
      statusOf(client.send(new AbortMultipartUploadCommand({ Bucket: local.bucket, Key, UploadId })));
    const uploads = async (user: string) =>
      (
        (
          await owner.send(
            new ListMultipartUploadsCommand({ Bucket: local.bucket, Prefix: `users/${user}/` }),
          )
        ).Uploads ?? []
      ).map((u) => u.UploadId);

    expect(await abort(s3, theirs)).toBe(403);
    expect(await uploads(bob)).toEqual([theirs.UploadId]);
    // AWS authorizes AbortMultipartUpload by s3:AbortMultipartUpload alone. Ceph RGW 16 also
    // wants s3:PutObject in the session policy (testkit README, quirks), which the delete scope
    // deliberately lacks: there the user's own upload is aborted with upload credentials.
    expect(await abort(s3, mine)).toBe(403);
    expect(await abort(mine.uploader, mine)).toBe(200);
    expect(await uploads(alice)).toEqual([]);
    s3.destroy();
    mine.uploader.destroy();
    expect(await abort(theirs.uploader, theirs)).toBe(200);
    theirs.uploader.destroy();
  });

  it('upload and list credentials still cannot delete when the delete scope is on', async () => {
    const Key = `users/${alice}/kept.txt`;
    await seed(Key);
    for (const scope of ['upload', 'list']) {
      const s3 = clientOf(await credentials(server.url, jwt, alice, scope));
      expect(await statusOf(s3.send(new DeleteObjectCommand({ Bucket: local.bucket, Key }))), scope).toBe(
        403,
      );
      s3.destroy();
    }
    expect(await exists(Key)).toBe(200);
  });

  it('every delete credential is an audit line naming the scope and prefix, never a secret', async () => {
    const answer = await credentials(server.url, jwt, alice, 'delete');
    const line = audit.findLast((l) => l.accessKeyId === answer.body.accessKeyId);
    expect(line).toMatchObject({ scope: 'delete', prefix: `users/${alice}/`, userId: alice });
    const text = JSON.stringify(audit);
    expect(text).not.toContain(answer.body.secretAccessKey);
    expect(text).not.toContain(answer.body.sessionToken);
  });

  it('a server that did not enable it refuses the scope: 403 scope_disabled, no credentials, audited', async () => {
    const refused = await credentials(shared.url, shared.jwt, alice, 'delete');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('scope_disabled');
    expect(refused.body.error?.message).toMatch(/"delete" scope/);
    expect(refused.body.accessKeyId).toBeUndefined();

    // The same for a server whose scopes are the default (upload only).
    const defaults = await createTokenServer({
      bucket: local.bucket,
      region: local.region,
      roleArn: local.roleArn,
      endpoint: local.endpoint,
      forcePathStyle: true,
      credentials: local.service,
      authenticate: jwtAuthenticator(jwt),
      audit: createAuditLogger({
        destination: { write: (line: string) => void audit.push(JSON.parse(line)) },
      }),
    }).listen();
    try {
      const answer = await credentials(defaults.url, jwt, alice, 'delete');
      expect(answer.status).toBe(403);
      expect(answer.body.error?.code).toBe('scope_disabled');
      expect(audit.at(-1)).toMatchObject({ scope: 'delete', code: 'scope_disabled' });
    } finally {
      await defaults.close();
    }
  });
});
