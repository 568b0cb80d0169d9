import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// Case 22: several users hammering the token server, past many rate-limit windows and cache
// periods. Loopback only. The default run is 6 s of 1 s windows and a 1 s cache: six windows
// and six cache periods, each user over its limit in every one, every assertion below. The
// 30 s soak (thirty windows, a longer heap watch) runs with S3UP_SOAK=1.
const local = inject('localS3');
const SOAK = process.env.S3UP_SOAK === '1';
const SECONDS = SOAK ? 30 : 6;
const WINDOW_MS = SOAK ? 2000 : 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe('case 22: sustained load from several users', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local, {
      // Windows of 5 per user: every user crosses the limit in every window.
      server: {
        rateLimit: { windowMs: WINDOW_MS, perUser: 5, perIp: 1_000_000 },
        cache: { maxAgeSeconds: WINDOW_MS / 1000, refreshWindowSeconds: 60 },
      },
    });
  });
  afterAll(async () => server?.close());

  it(
    `${SECONDS} s, 6 users x 3 connections: only 200s and 429s, memory flat, one audit line per issuance and refusals summarised`,
    async () => {
      const users = ['load-a', 'load-b', 'load-c', 'load-d', 'load-e', 'load-f'];
      const tokens = new Map(
        await Promise.all(users.map(async (u) => [u, await server.token(u, { expiresIn: '10m' })] as const)),
      );
      const answers: { status: number; requestId: string | null }[] = [];
      const stop = Date.now() + SECONDS * 1000;
      let baseline = 0;
      const warmup = setTimeout(() => {
        baseline = heapAfterGc();
      }, WINDOW_MS);
      await Promise.all(
        users.flatMap((user) =>
          Array.from({ length: 3 }, async () => {
            while (Date.now() < stop) {
              const response = await fetch(`${server.url}/credentials`, {
                method: 'POST',
                headers: { authorization: `Bearer ${tokens.get(user)}`, 'content-type': 'application/json' },
                body: '{}',
              });
              const text = await response.text();
              if (!response.ok) server.errorBodies.push(text);
              answers.push({ status: response.status, requestId: response.headers.get('x-request-id') });
            }
          }),
        ),
      );
      clearTimeout(warmup);
      const end = heapAfterGc();

      // Node 20: no Object.groupBy.
      const byStatus: Record<string, typeof answers> = {};
      for (const a of answers) {
        const group = byStatus[String(a.status)] ?? [];
        group.push(a);
        byStatus[String(a.status)] = group;
      }
      expect(Object.keys(byStatus).sort()).toEqual(['200', '429']);
      expect(byStatus['200']!.length).toBeGreaterThan(0);
      // Heap after GC may wobble by a few MB; a leak of one entry per request would not.
      expect(baseline).toBeGreaterThan(0);
      expect(end - baseline).toBeLessThan(32 * 1024 * 1024);
      // The audit log: one line per issuance, by the server's request id; 429s under the
      // flood are summarised per limiter key and window (the first refusal on its own line,
      // the rest counted in one rate_limit.summary line), so refusals cannot grow the log.
      const records = () => server.log.records();
      const issuedIds = records()
        .filter((r) => r.event === 'credentials.issued')
        .map((r) => String(r.requestId));
      const okIds = byStatus['200']!.map((a) => String(a.requestId));
      expect(new Set(issuedIds)).toEqual(new Set(okIds));
      expect(issuedIds.length).toBe(okIds.length);
      const limitedIds = new Set(byStatus['429']!.map((a) => String(a.requestId)));
      // The last windows' summaries are written when those windows end.
      await vi.waitFor(
        () => {
          const refused = records().filter((r) => r.event === 'credentials.refused');
          const summarised = records()
            .filter((r) => r.event === 'rate_limit.summary')
            .reduce((sum, r) => sum + Number(r.refusedMore), 0);
          for (const line of refused) expect(limitedIds.has(String(line.requestId))).toBe(true);
          expect(refused.length + summarised).toBe(limitedIds.size);
          // Far fewer lines than refusals: at most one per user and window, plus its summary.
          expect(refused.length).toBeLessThan(limitedIds.size);
        },
        { timeout: 5000, interval: 200 },
      );
      // Credentials were served from the cache: far fewer AssumeRole calls than 200s.
      expect(server.sts.count('AssumeRole')).toBeLessThan(byStatus['200']!.length);
      expect(server.leaks()).toEqual([]);
    },
    (SECONDS + 60) * 1000,
  );
});
