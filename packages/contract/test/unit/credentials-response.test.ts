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
  offeredScopes: ['upload', 'read'],
  receipts: true,
  writeOnce: true,
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

  it('drops unknown fields, and a checksum mode this version does not know', () => {
    const parsed = parseCredentialsResponse({ ...answer, extra: 'x', requestChecksumCalculation: 'ALWAYS' });
    const { requestChecksumCalculation: _dropped, ...rest } = answer;
    expect(parsed).toEqual(rest);
  });

  it('drops offered scope names it does not know (a newer server), keeping the known ones', () => {
    const parsed = parseCredentialsResponse({ ...answer, offeredScopes: ['upload', 'rename', 'read'] });
    expect(parsed.offeredScopes).toEqual(['upload', 'read']);
  });

  it('keeps an answer without the optional fields (an older server)', () => {
    const {
      serverTime: _t,
      endpoint: _e,
      forcePathStyle: _f,
      requestChecksumCalculation: _r,
      ...required
    } = answer;
    const { scope: _s, actions: _a, offeredScopes: _o, receipts: _c, writeOnce: _w, ...minimal } = required;
    const now = Date.parse(answer.serverTime);
    expect(parseCredentialsResponse(minimal, { now })).toEqual(minimal);
  });

  it.each([
    ['serverTime', 'yesterday'],
    ['serverTime', 17],
    ['endpoint', ''],
    ['endpoint', 'not a url'],
    ['endpoint', 'ftp://127.0.0.1/'],
    ['forcePathStyle', 'yes'],
    ['requestChecksumCalculation', 1],
    ['scope', 3],
    ['actions', ['s3:PutObject', 7]],
    ['actions', 's3:PutObject'],
    ['offeredScopes', 'upload'],
    ['offeredScopes', ['upload', 1]],
    ['receipts', 'yes'],
    ['writeOnce', 'true'],
  ])('refuses an optional "%s" of the wrong type (%j), naming the field', (field, value) => {
    const error = failure({ ...answer, [field]: value });
    expect(error.code).toBe('invalid_credentials');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain('docs/contracts.md');
  });

  it.each([
    ['equal to serverTime', 0, /at or before its "serverTime"/],
    ['a minute before serverTime', -60_000, /at or before its "serverTime"/],
    ['half a second after serverTime', 500, /less than a second after its "serverTime"/],
  ])('refuses an expiration %s, naming the field', (_name, offset, message) => {
    const expiration = new Date(Date.parse(answer.serverTime) + offset).toISOString();
    const error = failure({ ...answer, expiration });
    expect(error.field).toBe('expiration');
    expect(error.message).toMatch(/"expiration"/);
    expect(error.message).toMatch(message);
  });

  it('measures the lifetime on the server clock: a client clock hours ahead does not matter', () => {
    const hoursAhead = Date.parse(answer.expiration) + 5 * 3600_000;
    expect(parseCredentialsResponse(answer, { now: hoursAhead }).expiration).toBe(answer.expiration);
  });

  it('without serverTime, measures the lifetime on the client clock it is given', () => {
    const { serverTime: _t, ...older } = answer;
    expect(() => parseCredentialsResponse(older, { now: Date.parse(answer.expiration) })).toThrow(
      /"expiration".*at or before the time it answered/,
    );
    expect(parseCredentialsResponse(older, { now: Date.parse(answer.expiration) - 60_000 }).prefix).toBe(
      'users/alice/',
    );
  });

  it.each([
    ['users/alice', /"prefix" \("users\/alice"\), which does not end with "\/"/],
    ['users/../', /"prefix".*documented pattern/],
    ['users/a*/', /"prefix".*documented pattern/],
    ['users/\u0024{aws:username}/', /"prefix".*documented pattern/],
    ['/', /"prefix".*documented pattern/],
    ['users//', /"prefix".*documented pattern/],
  ])('refuses the prefix %j, naming the field', (prefix, message) => {
    const error = failure({ ...answer, prefix });
    expect(error.field).toBe('prefix');
    expect(error.message).toMatch(message);
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

  it('requires the six credential fields and the prefix', () => {
    expect([...REQUIRED_CREDENTIALS_FIELDS].sort()).toEqual(
      ['accessKeyId', 'bucket', 'expiration', 'prefix', 'region', 'secretAccessKey', 'sessionToken'].sort(),
    );
  });

  it('refuses an expiration that is not a date, naming the field', () => {
    const error = failure({ ...answer, expiration: 'soon' });
    expect(error.field).toBe('expiration');
    expect(error.message).toMatch(/invalid "expiration" \("soon"\).*ISO 8601/);
  });

  it.each([null, 'text', 3, ['a']])('refuses %j: not a JSON object', (body) => {
    expect(failure(body).message).toBe('The credentials endpoint did not answer a JSON object.');
  });
});
