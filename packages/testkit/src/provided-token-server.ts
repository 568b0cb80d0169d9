import type { JwtSettings } from './jwt.js';

/**
 * What tests get from `inject('tokenServer')`, which the token server's global setup
 * provides: mint HS256 tokens with `mintToken(jwt, sub)` (`@s3up/testkit/jwt`) and call `url`.
 * Import this module for the type (`import type {} from '@s3up/testkit/provided-token-server'`)
 * instead of reaching into another package's test folder.
 */
export interface ProvidedTokenServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash): POST `${url}/credentials`. */
  url: string;
  jwt: JwtSettings;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tokenServer: ProvidedTokenServer;
  }
}
