import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Answer } from '../support/token-server-under-test.js';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 12: one user sending 1,000 credential requests at once: 429 after the limit, and at
// most one STS call per cache period.
const local = inject('localS3');

/** Sends `total` requests, `parallel` at a time, with one token (as one browser would). */
async function burst(server: TokenServerUnderTest, user: string, total: number, parallel: number) {
  const token = await server.token(user);
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        next += 1;
        answers.push(await server.post('/credentials', `raw:${token}`, {}));
      }
    }),
  );
  return answers;
}

describe('case 12: one user, 1,000 credential requests', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    // The defaults a deployment gets: 30 per user and 120 per IP a minute; the cache keeps
    // credentials until 10 minutes before they expire.
    server = await TokenServerUnderTest.start(local, { server: { rateLimit: {} } });
  });
  afterAll(async () => server?.close());

  it('exactly 30 answers with credentials, 970 with 429 rate_limited and Retry-After, one AssumeRole', async () => {
    const answers = await burst(server, 'burst-user', 1000, 50);
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok.length).toBe(30);
    expect(limited.length).toBe(970);
    for (const a of limited) {
      expect(a.json.error?.code).toBe('rate_limited');
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Every answer with credentials carries the same cached session.
    expect(new Set(ok.map((a) => a.json.accessKeyId)).size).toBe(1);
    expect(server.sts.count('AssumeRole')).toBe(1);
  });

  it('another user from the same IP is still served until the per-IP limit (120), then 429', async () => {
    const answers = await burst(server, 'burst-other', 30, 10);
    // 1,000 requests already spent this IP's 120; the per-IP limit protects STS from a
    // user rotating tokens.
    expect(answers.every((a) => a.status === 429)).toBe(true);
    expect(server.sts.count('AssumeRole')).toBe(1);
    expect(server.leaks()).toEqual([]);
  });
});

describe('case 12: at most one STS call per cache period', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local, {
      // Limits off and a 1 s cache period: every request is answered, and the cache period
      // is short enough to see several within the burst.
      server: { rateLimit: false, cache: { maxAgeSeconds: 1, refreshWindowSeconds: 60 } },
    });
  });
  afterAll(async () => server?.close());

  it('1,000 requests over the burst cost no more AssumeRole calls than 1 s periods elapsed (plus one)', async () => {
    const started = Date.now();
    const answers = await burst(server, 'burst-cache', 1000, 50);
    const periods = Math.ceil((Date.now() - started) / 1000);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const calls = server.sts.count('AssumeRole');
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(periods + 1);
  });
});
