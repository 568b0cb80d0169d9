import { createAuditLogger, createTokenRouter, jwtAuthenticator } from '@s3up/token-server';
import type { AuditBuffer } from './audit-buffer.js';
import type { BackendConfig } from './backend-config.js';
import type { TokenService } from './demo-server.js';
import { JWT_AUDIENCE, JWT_ISSUER } from './demo-users.js';

export interface TokenServiceSettings {
  /**
   * Credential lifetime when the page asks for none. Default 900 s: the shortest AWS
   * allows, so the session panel's countdown and refreshes are visible within a demo.
   */
  defaultSessionSeconds?: number;
  /**
   * Longest credential lifetime: the role's MaxSessionDuration. Default 43,200 s (12 h) on
   * the local backend (testkit provisions that), 3,600 s on AWS (a new role's default).
   * It also bounds share links: a presigned URL dies with the credentials that signed it.
   */
  maxSessionSeconds?: number;
}

/** The longest share link the token server will sign for this backend. */
export function shareMaxSeconds(backend: BackendConfig, settings: TokenServiceSettings = {}): number {
  return Math.min(604_800, maxSession(backend, settings));
}

function maxSession(backend: BackendConfig, settings: TokenServiceSettings): number {
  return settings.maxSessionSeconds ?? (backend.kind === 'local' ? 43_200 : 3600);
}

/**
 * The real token server (`@s3up/token-server`), configured for the demo: the demo's JWTs
 * (HS256, issuer `s3up-demo`), every scope on (upload, list for the gallery, read for
 * thumbnails and metadata, delete for the Delete button), presigned GETs up to the session maximum for share links, and its audit
 * lines written into the operator panel's buffer.
 */
export function demoTokenService(settings: TokenServiceSettings = {}) {
  return ({
    backend,
    authSecret,
    audit,
  }: {
    backend: BackendConfig;
    authSecret: string;
    audit: AuditBuffer;
  }): TokenService => {
    const maxSeconds = maxSession(backend, settings);
    const router = createTokenRouter({
      bucket: backend.bucket,
      region: backend.region,
      roleArn: backend.roleArn,
      ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
      ...(backend.serviceCredentials ? { credentials: backend.serviceCredentials } : {}),
      forcePathStyle: backend.forcePathStyle,
      checksums: backend.checksums,
      authenticate: jwtAuthenticator({ secret: authSecret, issuer: JWT_ISSUER, audience: JWT_AUDIENCE }),
      scopes: ['upload', 'list', 'read', 'delete'],
      duration: {
        // The local backend accepts 1 s sessions (testkit); AWS refuses anything below 900.
        minSeconds: backend.kind === 'local' ? 1 : 900,
        maxSeconds,
        defaultSeconds: Math.min(settings.defaultSessionSeconds ?? 900, maxSeconds),
      },
      presign: { methods: ['GET'], maxExpiresInSeconds: shareMaxSeconds(backend, settings) },
      // Every demo user comes from the same loopback address: the per-IP limit would make
      // two browser tabs starve each other. Per user stays generous but bounded.
      rateLimit: { perUser: 120, perIp: 2000 },
      audit: createAuditLogger({ destination: audit, base: { service: 's3up-demo-token-server' } }),
    });
    return { router, shareMaxSeconds: shareMaxSeconds(backend, settings) };
  };
}
