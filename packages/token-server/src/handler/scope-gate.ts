import { TokenServerError } from '../errors.js';
import type { Scope } from '../session-policy.js';

/**
 * The one rule every grant passes: credentials in a scope, a presigned GET (`read`), a
 * presigned PUT or POST (`upload`), an upload receipt (`upload`). Only what the operator
 * enabled in `scopes` is handed out; anything else is 403 `scope_disabled`.
 */
export function scopeGate(enabled: readonly Scope[]) {
  const scopes = new Set(enabled);
  return function requireScope(scope: Scope, what: string): void {
    if (scopes.has(scope)) return;
    throw new TokenServerError(
      'scope_disabled',
      `${what} needs the "${scope}" scope, which is not enabled on this server.`,
    );
  };
}

/** The scope a presign method grants: a GET reads, a PUT or POST writes. */
export function presignScope(method: 'GET' | 'PUT' | 'POST'): Scope {
  return method === 'GET' ? 'read' : 'upload';
}
