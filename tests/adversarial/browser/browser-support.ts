// What the adversarial browser cases share: the run's token server, a signed-in user's JWT
// (minted on the real clock, as the app's backend would), the uplink throttle, and waiting
// for a task to settle.

import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { readBack as readObject } from '@s3up/testkit/read-back';
import { inject } from 'vitest';

export { throttleUplink } from '@s3up/testkit/chromium-network';
// Resolves with the task once it succeeded, failed or was cancelled (the Node cases' helper).
export { settled } from '../support/engine-under-test.js';

export const tokenServer = inject('tokenServer');

/** An HS256 token for `user` from the run's token server's issuer, valid for an hour. */
export function jwtFor(user: string): Promise<string> {
  return mintToken(tokenServer.jwt, user, { expiresIn: '1h' });
}

/** The stored bytes of `key` (under `prefix`), through a presigned GET from the token server. */
export function readBack(token: string, prefix: string, key: string): Promise<Uint8Array> {
  return readObject(tokenServer.url, token, key, prefix);
}
