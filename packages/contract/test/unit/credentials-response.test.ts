import { describe, expect, it } from 'vitest';
import { isContractError, parseCredentialsResponse, REQUIRED_CREDENTIALS_FIELDS } from '../../src/index.js';

const answer = {
  accessKeyId: 'AKIA1',
  secretAccessKey: 'secret',
  sessionToken: 'token',
  expiration: '2026-11-28T23:00:00.000Z',
  serverTime: '2026-11-28T22:45:00.000Z',
  bucket: 's3up-uploads',
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:7480',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  prefix: 'users/alice/',
  scope: 'upload',
  actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  receipts: true,
};

function failure(body: unknown) {
  try {
    parseCredentialsResponse(body);
  } catch (error) {
    if (isContractError(error)) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseCredentialsResponse', () => {
  it('keeps every field of a full answer', () => {
    expect(parseCredentialsResponse(answer)).toEqual(answer);
  });

  it('drops unknown fields, and optional fields of the wrong type', () => {
    const parsed = parseCredentialsResponse({
      ...answer,
      extra: 'x',
      serverTime: 'yesterday',
      endpoint: '',
      forcePathStyle: 'yes',
      requestChecksumCalculation: 'ALWAYS',
      scope: 3,
      actions: ['s3:PutObject', 7],
      receipts: 'yes',
    });
    expect(parsed).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: answer.expiration,
      bucket: 's3up-uploads',
      region: 'us-east-1',
      prefix: 'users/alice/',
      actions: ['s3:PutObject'],
    });
  });

  it.each(REQUIRED_CREDENTIALS_FIELDS)('refuses an answer without "%s", naming the field', (field) => {
    for (const value of [undefined, '', 42]) {
      const error = failure({ ...answer, [field]: value });
      expect(error.code).toBe('invalid_credentials');
      expect(error.field).toBe(field);
      expect(error.message).toContain(`"${field}"`);
      expect(error.message).toContain('docs/contracts.md');
    }
  });

  it('requires the six credential fields', () => {
    expect([...REQUIRED_CREDENTIALS_FIELDS].sort()).toEqual(
      ['accessKeyId', 'bucket', 'expiration', 'region', 'secretAccessKey', 'sessionToken'].sort(),
    );
  });

  it('refuses an expiration that is not a date, naming the field', () => {
    const error = failure({ ...answer, expiration: 'soon' });
    expect(error.field).toBe('expiration');
    expect(error.message).toMatch(/invalid "expiration".*ISO 8601/);
  });

  it.each([null, 'text', 3, ['a']])('refuses %j: not a JSON object', (body) => {
    expect(failure(body).message).toBe('The credentials endpoint did not answer a JSON object.');
  });
});
