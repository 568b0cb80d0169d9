import { readFileSync } from 'node:fs';
import {
  type CredentialsResponse,
  ERROR_CODES,
  ERROR_STATUS,
  errorCodeOf,
  parseCredentialsResponse,
  REQUIRED_CREDENTIALS_FIELDS,
  SCOPES,
} from '@s3up/contract';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TokenServerError } from '../../src/index.js';

const text = readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8');

interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  enum?: string[];
  examples?: unknown[];
}
const spec = parse(text) as {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Schema> };
};
const schemas = spec.components.schemas;
const credentials = schemas.Credentials!;
const errorSchema = schemas.Error!;

describe('openapi.yaml and @s3up/contract describe the same wire API', () => {
  it('is OpenAPI 3.1 and documents the credentials, presign and health endpoints', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/credentials', '/healthz', '/presign']));
  });

  it('every Credentials example parses with the contract parser, keeping every field', () => {
    expect(credentials.examples?.length).toBeGreaterThan(0);
    for (const example of credentials.examples ?? []) {
      expect(parseCredentialsResponse(example)).toEqual(example);
    }
  });

  it('each example misses no field the schema requires, and removing one the parser requires fails', () => {
    for (const example of credentials.examples as Record<string, unknown>[]) {
      for (const field of credentials.required ?? []) expect(example, field).toHaveProperty(field);
      for (const field of REQUIRED_CREDENTIALS_FIELDS) {
        const { [field]: _removed, ...rest } = example;
        expect(() => parseCredentialsResponse(rest), field).toThrow(`"${field}"`);
      }
    }
  });

  it('the schema requires what the parser requires, and has exactly the answer type fields', () => {
    for (const field of REQUIRED_CREDENTIALS_FIELDS) expect(credentials.required).toContain(field);
    // The type's fields, spelled out so the compiler catches a field added on one side only.
    const fields: Record<keyof CredentialsResponse, true> = {
      accessKeyId: true,
      secretAccessKey: true,
      sessionToken: true,
      expiration: true,
      serverTime: true,
      bucket: true,
      region: true,
      endpoint: true,
      forcePathStyle: true,
      requestChecksumCalculation: true,
      prefix: true,
      scope: true,
      actions: true,
      offeredScopes: true,
      receipts: true,
      writeOnce: true,
    };
    expect(Object.keys(credentials.properties ?? {}).sort()).toEqual(Object.keys(fields).sort());
  });

  it('lists the contract scopes', () => {
    expect(schemas.Scope?.enum).toEqual([...SCOPES]);
  });

  it('lists every error code of the contract, each with a documented status, and its examples use them', () => {
    const codes = errorSchema.properties?.error?.properties?.code?.enum;
    expect(codes).toEqual([...ERROR_CODES]);
    const documented = new Set(
      Object.values(spec.paths).flatMap((methods) =>
        Object.values(methods).flatMap((op) => Object.keys(op.responses ?? {})),
      ),
    );
    for (const code of ERROR_CODES) {
      expect(new TokenServerError(code, 'x').status).toBe(ERROR_STATUS[code]);
      // invalid_config is a start-up error; it reaches no client unless the server is misbuilt (500).
      expect(documented, `${code} → ${ERROR_STATUS[code]}`).toContain(String(ERROR_STATUS[code]));
    }
    for (const example of errorSchema.examples ?? []) expect(ERROR_CODES).toContain(errorCodeOf(example));
  });
});
