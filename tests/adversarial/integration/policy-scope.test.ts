import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clientFromAnswer, exists, put } from '../support/s3-probe.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Cases 1, 2 and 3: nothing a user controls (their id, the request body, the query, a
// header) can widen the prefix their credentials are confined to.
const local = inject('localS3');
const run = randomBytes(4).toString('hex');

/** Ids that try to widen an IAM resource pattern, climb out of a prefix or break the policy text. */
const HOSTILE_IDS: [string, string][] = [
  ['a star', '*'],
  ['a trailing star', `a${run}*`],
  ['a question mark', 'a?'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal IAM variable is the attack
  ['an IAM variable', '${aws:username}'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal IAM variable is the attack
  ['a wildcard variable', '${*}'],
  ['dot dot', '..'],
  ['a climb', `alice${run}/../bob`],
  ['a slash', '/'],
  ['a nested slash', `bob${run}/x`],
  ['a double quote', 'a"b'],
  ['a JSON break-out', `x","Resource":"arn:aws:s3:::*`],
  ['a single quote', "a'b"],
  ['a backslash', 'a\\b'],
  ['a newline', 'a\nb'],
  ['a NUL', 'a\u0000b'],
  ['very long (3000 characters)', 'a'.repeat(3000)],
  ['non-Latin-1', 'пользователь'],
  ['CJK', '用户'],
  ['an emoji', 'alice😀'],
  ['a right-to-left override', 'alice\u202egpj'],
];

describe('case 1: user ids that try to widen the policy', () => {
  let strict: TokenServerUnderTest;
  let hashed: TokenServerUnderTest;

  beforeAll(async () => {
    strict = await TokenServerUnderTest.start(local);
    hashed = await TokenServerUnderTest.start(local, {
      server: { userIdMode: 'hash', userIdSalt: `salt-${run}` },
    });
  });
  afterAll(async () => {
    await strict?.close();
    await hashed?.close();
  });

  it('strict mode (the default) refuses every such id with 403 invalid_user_id and never calls STS', async () => {
    for (const [what, id] of HOSTILE_IDS) {
      const answer = await strict.post('/credentials', id, {});
      expect({ what, status: answer.status, code: answer.json.error?.code }).toEqual({
        what,
        status: 403,
        code: 'invalid_user_id',
      });
    }
    expect(strict.sts.count('AssumeRole')).toBe(0);
    expect(strict.leaks()).toEqual([]);
  });

  it('hash mode confines each such id to one literal users/h-<hex>/ prefix: writes inside it pass, outside it are 403', async () => {
    const prefixes = new Set<string>();
    // A sample: every write costs RGW round trips; the refusals above cover all ids.
    const sample = HOSTILE_IDS.filter(([what]) =>
      ['a star', 'an IAM variable', 'a climb', 'a JSON break-out', 'an emoji', 'a newline'].includes(what),
    );
    for (const [what, id] of sample) {
      const answer = await hashed.post('/credentials', id, {});
      expect({ what, status: answer.status }).toEqual({ what, status: 200 });
      const prefix = String(answer.json.prefix);
      expect(prefix).toMatch(/^users\/h-[0-9a-f]{40}\/$/);
      prefixes.add(prefix);
      const s3 = clientFromAnswer(local, answer.json);
      const inside = `${prefix}ok-${run}.txt`;
      expect({ what, inside: await put(s3, local.bucket, inside) }).toEqual({ what, inside: 200 });
      for (const outside of [
        `users/bob${run}/x.txt`,
        `users/x.txt`,
        `h-x/${run}.txt`,
        `${prefix.slice(0, -1)}x/${run}.txt`,
        `${prefix.slice(0, -1)}`,
      ]) {
        expect({ what, outside, status: await put(s3, local.bucket, outside) }).toEqual({
          what,
          outside,
          status: 403,
        });
      }
    }
    // Distinct ids never share a prefix.
    expect(prefixes.size).toBe(sample.length);
    expect(hashed.leaks()).toEqual([]);
  });
});

describe('case 2: the prefix ends with "/"', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  it('alice cannot write under users/alice2/, nor the bare key users/alice, nor climb with ".."', async () => {
    const alice = `alice${run}`;
    const answer = await server.post('/credentials', alice, {});
    expect(answer.status).toBe(200);
    expect(answer.json.prefix).toBe(`users/${alice}/`);
    const s3 = clientFromAnswer(local, answer.json);
    expect(await put(s3, local.bucket, `users/${alice}/mine.txt`)).toBe(200);
    expect(await put(s3, local.bucket, `users/${alice}2/theirs.txt`)).toBe(403);
    expect(await put(s3, local.bucket, `users/${alice}`)).toBe(403);
    expect(await exists(local, `users/${alice}2/theirs.txt`)).toBe(false);
    // S3 keys are literal: a ".." segment inside the prefix must stay a literal key, never
    // resolve to users/bob/ on the server after the policy matched the literal text.
    const climb = `users/${alice}/../bob${run}/x.txt`;
    const status = await put(s3, local.bucket, climb);
    expect([200, 400, 403]).toContain(status);
    expect(await exists(local, `users/bob${run}/x.txt`)).toBe(false);
  });
});

describe('case 3: user, prefix, bucket, duration or actions from the client are never used', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  it.each([
    ['userId', { userId: 'bob' }],
    ['sub', { sub: 'bob' }],
    ['prefix', { prefix: 'users/' }],
    ['bucket', { bucket: 'another-bucket' }],
    ['actions', { actions: ['s3:*'] }],
    ['policy', { policy: '{"Statement":[]}' }],
    ['roleArn', { roleArn: 'arn:aws:iam:::role/admin' }],
    ['a prototype key', JSON.parse('{"__proto__":{"prefix":"users/"}}')],
  ])(
    'a body with %s is refused with 400 bad_request naming the field, and no STS call',
    async (_name, body) => {
      const before = server.sts.count('AssumeRole');
      const answer = await server.post('/credentials', `alice${run}`, body);
      expect(answer.status).toBe(400);
      expect(answer.json.error?.code).toBe('bad_request');
      expect(answer.json.error?.message).toMatch(/unknown field/);
      expect(server.sts.count('AssumeRole')).toBe(before);
    },
  );

  it('a scope the server has not enabled is refused with 403 scope_disabled', async () => {
    const answer = await server.post('/credentials', `alice${run}`, { scope: 'list' });
    expect(answer.status).toBe(403);
    expect(answer.json.error?.code).toBe('scope_disabled');
  });

  it('a user id in the query string or a header is ignored: the prefix is the token subject', async () => {
    const alice = `alice${run}`;
    const answer = await server.post(
      `/credentials?userId=bob${run}&prefix=users/&bucket=other`,
      alice,
      {},
      { headers: { 'x-s3up-user': `bob${run}`, 'x-user-id': `bob${run}` } },
    );
    expect(answer.status).toBe(200);
    expect(answer.json.prefix).toBe(`users/${alice}/`);
    expect(answer.json.bucket).toBe(local.bucket);
    expect(answer.json.actions).toEqual([
      's3:PutObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ]);
    const s3 = clientFromAnswer(local, answer.json);
    expect(await put(s3, local.bucket, `users/bob${run}/x.txt`)).toBe(403);
    expect(server.leaks()).toEqual([]);
  });
});
