import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytesOf, exists } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 8: a presigned POST's policy is the only size cap S3 enforces at upload time; S3
// itself must refuse a body above it, another content type, or another key.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');

interface PresignedPost {
  url: string;
  key: string;
  fields: Record<string, string>;
}

function postForm(presigned: PresignedPost, file: Uint8Array, override: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...presigned.fields, ...override })) form.append(name, value);
  // The file goes last: S3 ignores fields after it.
  form.append(
    'file',
    new Blob([new Uint8Array(file)], { type: override['Content-Type'] ?? 'image/png' }),
    'cat.png',
  );
  return fetch(presigned.url, { method: 'POST', body: form });
}

describe('case 8: presigned POST above its size cap or with another content type', () => {
  let server: TokenServerUnderTest;
  let user: string;

  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
    user = `poster${run}`;
  });
  afterAll(async () => server?.close());

  async function presign(key: string): Promise<PresignedPost> {
    const answer = await server.post('/presign', user, {
      method: 'POST',
      key,
      contentType: 'image/png',
      maxSize: 1024,
    });
    expect(answer.status).toBe(200);
    return answer.json as unknown as PresignedPost;
  }

  it('control: a 1000-byte image/png inside the cap is stored byte-exact', async () => {
    const presigned = await presign('ok.png');
    const body = randomBytes(1000);
    const response = await postForm(presigned, body);
    expect(response.status).toBeLessThan(300);
    expect((await bytesOf(local, `users/${user}/ok.png`)).equals(body)).toBe(true);
  });

  it('1025 bytes against a 1024-byte cap: refused by S3 (4xx), nothing stored', async () => {
    const presigned = await presign('too-big.png');
    const response = await postForm(presigned, randomBytes(1025));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await exists(local, `users/${user}/too-big.png`)).toBe(false);
  });

  it('another content type than the signed one: refused by S3 (403), nothing stored', async () => {
    const presigned = await presign('html.png');
    const response = await postForm(presigned, Buffer.from('<script>alert(1)</script>'), {
      'Content-Type': 'text/html',
    });
    expect(response.status).toBe(403);
    expect(await exists(local, `users/${user}/html.png`)).toBe(false);
  });

  it('the signed form sent with another key (another user, or outside users/): refused (403), nothing stored', async () => {
    const presigned = await presign('mine.png');
    for (const key of [`users/bob${run}/stolen.png`, `stolen-${run}.png`]) {
      const response = await postForm(presigned, randomBytes(10), { key });
      expect({ key, status: response.status }).toEqual({ key, status: 403 });
      expect(await exists(local, key)).toBe(false);
    }
  });

  it('a maxSize above the server limit is refused at presign time (400)', async () => {
    const answer = await server.post('/presign', user, {
      method: 'POST',
      key: 'huge.bin',
      maxSize: 6 * 1024 ** 3,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error?.message).toMatch(/maxSize/);
    expect(server.leaks()).toEqual([]);
  });
});
