import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TokenServerError, type TokenServerErrorCode } from '../../src/index.js';

const spec = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');

// Every code the server can answer with; a new one must be documented (the compiler
// checks this list is complete through the Record type).
const CODES: Record<TokenServerErrorCode, true> = {
  bad_request: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  method_not_allowed: true,
  payload_too_large: true,
  unsupported_media_type: true,
  rate_limited: true,
  scope_disabled: true,
  invalid_user_id: true,
  policy_too_large: true,
  sts_unavailable: true,
  sts_error: true,
  invalid_config: true,
  internal: true,
};

describe('openapi.yaml', () => {
  it('is OpenAPI 3.1 and documents the three endpoints', () => {
    expect(spec).toMatch(/^openapi: 3\.1\.\d+$/m);
    for (const path of ['/credentials:', '/presign:', '/healthz:']) expect(spec).toContain(`\n  ${path}\n`);
  });

  it('lists every error code, and each maps to a documented status', () => {
    for (const code of Object.keys(CODES) as TokenServerErrorCode[]) {
      expect(spec).toMatch(new RegExp(`^\\s+- ${code}$`, 'm'));
      const status = new TokenServerError(code, 'x').status;
      if (code !== 'invalid_config')
        expect(spec, `${code} → ${status}`).toMatch(new RegExp(`['"]${status}['"]:`));
    }
  });
});
