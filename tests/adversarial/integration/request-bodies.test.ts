import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 7: oversized, malformed or unexpected bodies get a 4xx with a JSON error that says
// what to fix, never a 500, a stack trace or an STS call.
const local = inject('localS3');

describe('case 7: oversized or malformed JSON bodies, unknown fields', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const bodies: [string, string, number, string, RegExp][] = [
    [
      'a 20 KiB body',
      JSON.stringify({ scope: 'upload', pad: 'x'.repeat(20 * 1024) }),
      413,
      'payload_too_large',
      /larger than/,
    ],
    ['a 1 MiB body', `{"scope":"${'x'.repeat(1024 * 1024)}"}`, 413, 'payload_too_large', /larger than/],
    ['truncated JSON', '{"scope":', 400, 'bad_request', /not valid JSON/],
    ['single quotes', "{'scope':'upload'}", 400, 'bad_request', /not valid JSON/],
    ['a JSON string', '"upload"', 400, 'bad_request', /./],
    ['a JSON array', '[]', 400, 'bad_request', /./],
    ['null', 'null', 400, 'bad_request', /./],
    ['5000 nested arrays', deep, 400, 'bad_request', /./],
    ['an unknown field', '{"scope":"upload","admin":true}', 400, 'bad_request', /unknown field.*"admin"/],
    ['a wrong type', '{"scope":5}', 400, 'bad_request', /"scope"/],
    ['an unknown scope', '{"scope":"admin"}', 400, 'bad_request', /"scope"/],
    ['a negative duration', '{"durationSeconds":-1}', 400, 'bad_request', /"durationSeconds"/],
    ['a duplicate key trick', '{"scope":"upload","scope":"admin"}', 400, 'bad_request', /"scope"/],
  ];

  it.each(bodies)(
    '%s: %i %s with a message that says what to fix',
    async (_name, raw, status, code, message) => {
      const answer = await server.post('/credentials', 'alice-bodies', undefined, { rawBody: raw });
      expect(answer.status).toBe(status);
      expect(answer.json.error?.code).toBe(code);
      expect(answer.json.error?.message).toMatch(message);
      expect(answer.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|SyntaxError/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    },
  );

  it('a body that is not JSON is 415 unsupported_media_type', async () => {
    const answer = await server.post('/credentials', 'alice-bodies', undefined, {
      rawBody: 'scope=upload',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(415);
    expect(answer.json.error?.code).toBe('unsupported_media_type');
    expect(answer.json.error?.message).toMatch(/application\/json/);
  });

  it('a JSON body declared UTF-16 is a 4xx (415, or 400 when it decodes to garbage), never parsed as UTF-8', async () => {
    const answer = await server.post('/credentials', 'alice-bodies', undefined, {
      rawBody: '{}',
      headers: { 'content-type': 'application/json; charset=utf-16' },
    });
    expect([400, 415]).toContain(answer.status);
    expect(['bad_request', 'unsupported_media_type']).toContain(answer.json.error?.code);
    expect(answer.json.error?.message).toMatch(/JSON|UTF-8/);
  });

  it('a gzip bomb (16 KiB compressed, 10 MiB inflated) is 413, not inflated into memory', async () => {
    const bomb = gzipSync(Buffer.from(`{"scope":"${' '.repeat(10 * 1024 * 1024)}"}`));
    expect(bomb.length).toBeLessThan(16 * 1024);
    const response = await fetch(`${server.url}/credentials`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await server.token('alice-bodies')}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: bomb,
    });
    const text = await response.text();
    server.errorBodies.push(text);
    expect([413, 415]).toContain(response.status);
  });

  it('POST /presign: unknown fields, a negative maxSize and an over-long key are 400 bad_request', async () => {
    for (const body of [
      { method: 'PUT', key: 'a.txt', bucket: 'other' },
      { method: 'POST', key: 'a.txt', maxSize: -1 },
      { method: 'PUT', key: 'k'.repeat(2000) },
      { method: 'DELETE', key: 'a.txt' },
      { method: 'PUT', key: 'a.txt', contentType: 'text/html\r\nx-amz-acl: public-read' },
    ]) {
      const answer = await server.post('/presign', 'alice-bodies', body);
      expect({ body, status: answer.status, code: answer.json.error?.code }).toEqual({
        body,
        status: 400,
        code: 'bad_request',
      });
    }
  });

  it('no bad body ever reached STS, and no answer leaked anything', () => {
    expect(server.sts.count('AssumeRole')).toBe(0);
    expect(server.leaks()).toEqual([]);
  });
});
