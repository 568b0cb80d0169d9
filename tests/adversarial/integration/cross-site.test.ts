import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 6: a page on another site can make the browser POST a form (text/plain,
// form-encoded or multipart) with the user's cookie. None of these may get credentials.
const local = inject('localS3');

describe('case 6: cross-site form POSTs with a cookie are refused', () => {
  let server: TokenServerUnderTest;
  let cookie: string;

  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local, { jwtOptions: { cookieName: 'session' } });
    cookie = `session=${await server.token('alice-cookie')}`;
  });
  afterAll(async () => server?.close());

  const send = (headers: Record<string, string>, body: string) =>
    fetch(`${server.url}/credentials`, { method: 'POST', headers: { cookie, ...headers }, body });

  const forms: [string, Record<string, string>, string][] = [
    [
      'text/plain from another site',
      { 'content-type': 'text/plain', origin: 'https://evil.example' },
      '{"scope":"upload"}',
    ],
    ['text/plain without an Origin', { 'content-type': 'text/plain' }, '{"scope":"upload"}'],
    [
      'form-encoded from another site',
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      'scope=upload',
    ],
    [
      'form-encoded from an allowed origin',
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:5173' },
      'scope=upload',
    ],
    [
      'multipart from another site',
      { 'content-type': 'multipart/form-data; boundary=x', origin: 'https://evil.example' },
      '--x\r\nContent-Disposition: form-data; name="scope"\r\n\r\nupload\r\n--x--\r\n',
    ],
    ['JSON from another site', { 'content-type': 'application/json', origin: 'https://evil.example' }, '{}'],
    [
      'JSON from the null origin (sandboxed iframe)',
      { 'content-type': 'application/json', origin: 'null' },
      '{}',
    ],
    ['JSON without an Origin', { 'content-type': 'application/json' }, '{}'],
  ];

  it.each(forms)(
    '%s: 403 forbidden, no CORS grant, no credentials, no STS call',
    async (_name, headers, body) => {
      const before = server.sts.count('AssumeRole');
      const response = await send(headers, body);
      const text = await response.text();
      server.errorBodies.push(text);
      expect(response.status).toBe(403);
      expect(JSON.parse(text).error.code).toBe('forbidden');
      expect(text).not.toMatch(/accessKeyId|sessionToken/);
      expect(response.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
      expect(server.sts.count('AssumeRole')).toBe(before);
    },
  );

  it('a preflight from another site is refused and grants nothing', async () => {
    const response = await fetch(`${server.url}/credentials`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('control: the same cookie in a JSON POST from an allowed origin gets credentials', async () => {
    const response = await send(
      { 'content-type': 'application/json', origin: 'http://localhost:5173' },
      '{}',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const body = (await response.json()) as { prefix: string; secretAccessKey: string; sessionToken: string };
    server.ledger.add('a secretAccessKey handed out', body.secretAccessKey);
    server.ledger.add('a sessionToken handed out', body.sessionToken);
    expect(body.prefix).toBe('users/alice-cookie/');
    expect(server.leaks()).toEqual([]);
  });
});

describe('case 6: with bearer auth (the default) a form cannot authenticate at all', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  it('a text/plain form POST with a cookie but no Authorization header gets no credentials', async () => {
    const response = await fetch(`${server.url}/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: `session=${await server.token('alice')}` },
      body: '{}',
    });
    expect([401, 415]).toContain(response.status);
    expect(await response.text()).not.toMatch(/accessKeyId/);
    expect(server.sts.count('AssumeRole')).toBe(0);
  });
});
