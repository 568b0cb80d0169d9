import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// FINDINGS.md F4 (fixed in the token server): an STS that accepts the connection and never answers hangs the request
// for good. Move to integration/sts-faults.test.ts once the issuer's timeout fires.
const local = inject('localS3');

describe('case 11: STS slow', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local, {
      // Every AssumeRole hangs on a real socket: the issuer's per-attempt timeout ends each
      // attempt. 1 s instead of the default 5 s and two attempts instead of three keep the
      // test near 2 s with the same logic (the timeout, then the bounded retries, then 503).
      stsFaults: (request) => (request.operation === 'AssumeRole' ? { hang: true } : undefined),
      server: { retry: { attempts: 2, baseDelayMs: 50, attemptTimeoutMs: 1000 } },
    });
  });
  afterAll(async () => server?.close());

  it('an STS that never answers: 503 after the configured 2 attempts, not a hung request', async () => {
    const answer = await server.post('/credentials', 'user-slow', {});
    expect(answer.status).toBe(503);
    expect(answer.json.error?.code).toBe('sts_unavailable');
    expect(server.sts.count('AssumeRole')).toBe(2);
  }, 15_000);
});
