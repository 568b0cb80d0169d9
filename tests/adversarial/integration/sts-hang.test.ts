import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// FINDINGS.md F4 (fixed in the token server): an STS that accepts the connection and never answers hangs the request
// for good. Move to integration/sts-faults.test.ts once the issuer's timeout fires.
const local = inject('localS3');

describe('case 11: STS slow', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local, {
      // Every AssumeRole hangs: the issuer's 5 s request timeout ends each attempt. Two
      // attempts (not the default three) keep the test near 10 s with the same logic.
      stsFaults: (request) => (request.operation === 'AssumeRole' ? { hang: true } : undefined),
      server: { retry: { attempts: 2, baseDelayMs: 50 } },
    });
  });
  afterAll(async () => server?.close());

  it('an STS that never answers: 503 after the configured 2 attempts, not a hung request', async () => {
    const answer = await server.post('/credentials', 'user-slow', {});
    expect(answer.status).toBe(503);
    expect(answer.json.error?.code).toBe('sts_unavailable');
    expect(server.sts.count('AssumeRole')).toBe(2);
  }, 30_000);
});
