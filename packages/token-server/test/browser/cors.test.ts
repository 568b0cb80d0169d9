import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { describe, expect, inject, it } from 'vitest';

// The page runs on vitest's own origin (http://localhost:<port>); the token server is on
// 127.0.0.1 on another port, so every request here is cross-origin and goes through CORS.
const ts = inject('tokenServer');

const token = (sub: string) => mintToken(ts.jwt, sub);

describe('the token server from a real browser', () => {
  it('answers a cross-origin JSON POST with credentials (preflight passes)', async () => {
    expect(location.origin).not.toBe(new URL(ts.url).origin);
    const res = await fetch(`${ts.url}/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('browser-user')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'upload' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { prefix: string; accessKeyId: string };
    expect(body.prefix).toBe('users/browser-user/');
    expect(body.accessKeyId.length).toBeGreaterThan(0);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('lets the page read a 401 error body', async () => {
    const res = await fetch(`${ts.url}/credentials`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('a presigned POST from the browser stores the file under the cap and refuses it over', async () => {
    const auth = {
      authorization: `Bearer ${await token('browser-post')}`,
      'content-type': 'application/json',
    };
    const presign = async (key: string) => {
      const res = await fetch(`${ts.url}/presign`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ method: 'POST', key, contentType: 'text/plain', maxSize: 16 }),
      });
      return (await res.json()) as { url: string; key: string; fields: Record<string, string> };
    };
    const send = (p: { url: string; fields: Record<string, string> }, text: string) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(p.fields)) form.append(k, v);
      form.append('file', new File([text], 'note.txt', { type: 'text/plain' }));
      return fetch(p.url, { method: 'POST', body: form });
    };
    const small = await presign(`small-${Date.now()}.txt`);
    expect((await send(small, 'tiny note')).status).toBeLessThan(300);
    const big = await presign(`big-${Date.now()}.txt`);
    expect((await send(big, 'x'.repeat(17))).status).toBe(400);
    // Read back through a presigned GET: the small file is there, byte for byte; the big one is not.
    const get = async (key: string) => {
      const res = await fetch(`${ts.url}/presign`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ method: 'GET', key: key.replace('users/browser-post/', '') }),
      });
      return fetch(((await res.json()) as { url: string }).url);
    };
    const stored = await get(small.key);
    expect(stored.status).toBe(200);
    expect(await stored.text()).toBe('tiny note');
    expect((await get(big.key)).status).toBe(404);
  });
});
