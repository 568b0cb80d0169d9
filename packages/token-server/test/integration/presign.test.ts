import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { cleanFileName } from '@s3up/contract';
import { localBackendOptions, s3Client } from '@s3up/testkit';
import { mintToken } from '@s3up/testkit/jwt';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createAuditLogger, createTokenServer, jwtAuthenticator } from '../../src/index.js';

const local = inject('localS3');
const jwt = {
  secret: randomBytes(32).toString('hex'),
  issuer: 'https://id.s3up.test',
  audience: 's3up-presign',
};
const run = randomBytes(4).toString('hex');
const user = `presign-${run}`;
const owner = s3Client(local, local.service);

const running = await createTokenServer({
  ...localBackendOptions(local),
  authenticate: jwtAuthenticator(jwt),
  // Presigned GETs are reads: they need the read scope like read credentials do.
  scopes: ['upload', 'read'],
  // Short sessions are allowed so expiry can be watched; presigned URLs may be 1 s.
  duration: { minSeconds: 1, maxSeconds: 3600, defaultSeconds: 900 },
  presign: {
    maxSizeBytes: 1024 * 1024,
    allowedContentTypes: ['text/plain', 'image/*', 'application/octet-stream'],
  },
  audit: createAuditLogger({ level: 'silent' }),
}).listen();

interface Presigned {
  method: string;
  url: string;
  key: string;
  expiresAt: string;
  fields?: Record<string, string>;
  headers?: Record<string, string>;
}

async function presign(
  body: Record<string, unknown>,
  sub = user,
): Promise<{ status: number; body: Presigned & { error?: { code: string } } }> {
  const res = await fetch(`${running.url}/presign`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await mintToken(jwt, sub)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function stored(Key: string): Promise<string | number> {
  try {
    const object = await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key }));
    return await object.Body!.transformToString();
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1;
  }
}

function postForm(
  p: Presigned,
  content: Uint8Array<ArrayBuffer> | string,
  contentType = p.fields?.['Content-Type'] ?? '',
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(p.fields ?? {}))
    form.append(name, name === 'Content-Type' ? contentType : value);
  form.append('file', new Blob([content]), 'upload.bin');
  return fetch(p.url, { method: 'POST', body: form });
}

const sleepUntil = (iso: string, extraMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(iso) - Date.now()) + extraMs));

describe('presigned POST: the size cap enforced at upload time', () => {
  it('stores an object under the cap, byte-exact, with the signed content type', async () => {
    const { status, body } = await presign({
      method: 'POST',
      key: 'post/small.txt',
      contentType: 'text/plain',
      maxSize: 100,
    });
    expect(status).toBe(200);
    expect(body.key).toBe(`users/${user}/post/small.txt`);
    const res = await postForm(body, 'hello post');
    expect(res.status).toBeLessThan(300);
    expect(await stored(body.key)).toBe('hello post');
    const head = await owner.send(new GetObjectCommand({ Bucket: local.bucket, Key: body.key }));
    expect(head.ContentType).toBe('text/plain');
  });

  it('refuses an object over the cap, and stores nothing', async () => {
    const { body } = await presign({
      method: 'POST',
      key: 'post/big.bin',
      contentType: 'application/octet-stream',
      maxSize: 100,
    });
    const res = await postForm(body, new Uint8Array(randomBytes(101)));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/EntityTooLarge/);
    expect(await stored(body.key)).toBe(404);
  });

  it('refuses a form that changes the content type or the key', async () => {
    const { body } = await presign({
      method: 'POST',
      key: 'post/typed.txt',
      contentType: 'text/plain',
      maxSize: 100,
    });
    expect((await postForm(body, 'x', 'text/html')).status).toBe(403);
    const moved = { ...body, fields: { ...body.fields, key: `users/other-${run}/stolen.txt` } };
    expect((await postForm(moved, 'x')).status).toBe(403);
    expect(await stored(`users/other-${run}/stolen.txt`)).toBe(404);
  });

  it('refuses a maxSize above the operator cap', async () => {
    const { status, body } = await presign({ method: 'POST', key: 'post/x', maxSize: 2 * 1024 * 1024 });
    expect(status).toBe(400);
    expect(body.error?.code).toBe('bad_request');
  });
});

describe('presigned PUT and GET', () => {
  it('PUT stores the object with the signed Content-Type; another type is refused', async () => {
    const { status, body } = await presign({ method: 'PUT', key: 'put/cat.txt', contentType: 'text/plain' });
    expect(status).toBe(200);
    expect(body.headers).toEqual({ 'Content-Type': 'text/plain' });
    const wrong = await fetch(body.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: 'evil',
    });
    expect(wrong.status).toBe(403);
    const put = await fetch(body.url, { method: 'PUT', headers: body.headers, body: 'meow' });
    expect(put.status).toBe(200);
    expect(await stored(body.key)).toBe('meow');
  });

  it('GET downloads the object', async () => {
    await owner.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/get/doc.txt`, Body: 'document' }),
    );
    const { body } = await presign({ method: 'GET', key: 'get/doc.txt' });
    const res = await fetch(body.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('document');
  });

  it('GET and PUT URLs expire', async () => {
    await owner.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `users/${user}/get/short.txt`, Body: 's' }),
    );
    const get = (await presign({ method: 'GET', key: 'get/short.txt', expiresIn: 2 })).body;
    const put = (
      await presign({ method: 'PUT', key: 'put/short.txt', expiresIn: 2, contentType: 'text/plain' })
    ).body;
    expect(Date.parse(get.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    expect((await fetch(get.url)).status).toBe(200);
    await sleepUntil(get.expiresAt, 2000);
    expect((await fetch(get.url)).status).toBe(403);
    const late = await fetch(put.url, { method: 'PUT', headers: put.headers, body: 'late' });
    expect(late.status).toBe(403);
    expect(await stored(put.key)).toBe(404);
  });

  it('keys cannot leave the prefix', async () => {
    for (const key of ['../other/x', '/abs', 'a//b', 'a/./b', 'dir/', 'a\\b', 'x\u0000y']) {
      const { status, body } = await presign({ method: 'PUT', key });
      expect(status, key).toBe(400);
      expect(body.error?.code).toBe('bad_request');
    }
  });

  it('refuses the keys the engine would clean, and signs the engine cleaned name (one safe-key rule)', async () => {
    const disguised = 'photo\u202Egpj.exe';
    const refused = await presign({ method: 'PUT', key: disguised });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe('bad_request');
    expect((refused.body.error as { message?: string } | undefined)?.message).toContain('U+202E');
    const clean = await presign({ method: 'PUT', key: cleanFileName(disguised) });
    expect(clean.status).toBe(200);
    expect(clean.body.key).toBe(`users/${user}/photogpj.exe`);
  });

  it('a GET URL for one user cannot be re-pointed at another user', async () => {
    await owner.send(
      new PutObjectCommand({ Bucket: local.bucket, Key: `users/victim-${run}/secret.txt`, Body: 'no' }),
    );
    const { body } = await presign({ method: 'GET', key: 'get/doc.txt' });
    const tampered = body.url.replace(`users/${user}/get/doc.txt`, `users/victim-${run}/secret.txt`);
    expect(tampered).not.toBe(body.url);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('refuses a content type outside the allowlist', async () => {
    const { status, body } = await presign({ method: 'PUT', key: 'x.html', contentType: 'text/html' });
    expect(status).toBe(400);
    expect(body.error?.code).toBe('bad_request');
  });
});

describe('who the URL is for', () => {
  it('comes from the token: the key lands under the caller own prefix', async () => {
    const { body } = await presign(
      { method: 'PUT', key: 'mine.txt', contentType: 'text/plain' },
      `other-${run}`,
    );
    expect(body.key).toBe(`users/other-${run}/mine.txt`);
    expect((await fetch(body.url, { method: 'PUT', headers: body.headers, body: 'theirs' })).status).toBe(
      200,
    );
    expect(await stored(`users/other-${run}/mine.txt`)).toBe('theirs');
  });

  it('refuses a method the operator disabled', async () => {
    const restricted = await createTokenServer({
      ...localBackendOptions(local),
      authenticate: jwtAuthenticator(jwt),
      scopes: ['upload', 'read'],
      presign: { methods: ['POST'] },
      audit: createAuditLogger({ level: 'silent' }),
    }).listen();
    try {
      const res = await fetch(`${restricted.url}/presign`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await mintToken(jwt, user)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ method: 'GET', key: 'get/doc.txt' }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    } finally {
      await restricted.close();
    }
  });
});

describe('scopes govern every presigned grant', () => {
  async function presignOn(
    scopes: ('upload' | 'read' | 'list')[] | undefined,
    body: Record<string, unknown>,
  ) {
    const server = await createTokenServer({
      ...localBackendOptions(local),
      authenticate: jwtAuthenticator(jwt),
      ...(scopes ? { scopes } : {}),
      audit: createAuditLogger({ level: 'silent' }),
    }).listen();
    try {
      const res = await fetch(`${server.url}/presign`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await mintToken(jwt, user)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Presigned & { error?: { code: string } } };
    } finally {
      await server.close();
    }
  }

  it('the default server (upload only) refuses a presigned GET with 403 scope_disabled', async () => {
    const { status, body } = await presignOn(undefined, { method: 'GET', key: 'get/doc.txt' });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('scope_disabled');
    expect(body.url).toBeUndefined();
  });

  it('a read-only server refuses presigned PUT and POST uploads, and still signs GETs', async () => {
    for (const method of ['PUT', 'POST']) {
      const { status, body } = await presignOn(['read'], {
        method,
        key: `scoped/${method}.txt`,
        contentType: 'text/plain',
      });
      expect(status, method).toBe(403);
      expect(body.error?.code, method).toBe('scope_disabled');
    }
    const get = await presignOn(['read'], { method: 'GET', key: 'get/doc.txt' });
    expect(get.status).toBe(200);
    expect(await (await fetch(get.body.url)).text()).toBe(await stored(`users/${user}/get/doc.txt`));
  });
});

afterAll(() => running.close());
