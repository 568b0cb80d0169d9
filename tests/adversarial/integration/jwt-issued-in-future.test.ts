import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenServerUnderTest } from '../support/token-server-under-test.js';

// FINDINGS.md F2 (fixed in the token server): a JWT whose `iat` lies an hour in the future is accepted.
// Move to integration/ once jwtAuthenticator refuses it.
const local = inject('localS3');

describe('case 5 a JWT issued in the future', () => {
  let server: TokenServerUnderTest;
  beforeAll(async () => {
    server = await TokenServerUnderTest.start(local);
  });
  afterAll(async () => server?.close());

  it('a token whose iat is an hour ahead (beyond the clock tolerance) gets 401 and no STS call', async () => {
    const token = await server.token('alice', {
      issuedAt: Math.floor(Date.now() / 1000) + 3600,
      expiresIn: '2h',
    });
    const answer = await server.post('/credentials', `raw:${token}`, {});
    expect(answer.status).toBe(401);
    expect(server.sts.count('AssumeRole')).toBe(0);
  });
});
