import { MiB, randomFile, sameBytes } from '@s3up/testkit/random-file';
import { describe, expect, it, vi } from 'vitest';
import { settled, testUploader, useFakeS3 } from '../support/harness.js';

// The held bad answers of issue #14 item 1: each is a `credentials` error whose message names
// the field, carries the answer's status (200, not 401/403: an app shows "the upload service
// answered something unexpected", not "sign in again"), and is retried with backoff a bounded
// number of times: testUploader allows 3 retries, so at most 4 token requests, and no S3 request.
vi.setConfig({ testTimeout: 30_000 });
const wire = useFakeS3();
const ATTEMPTS = 4;

describe('a credentials answer is checked before use (#14 item 1)', () => {
  it.each([
    [
      'an expiration equal to serverTime',
      (a: Record<string, unknown>) => ({ ...a, expiration: a.serverTime }),
      /"expiration".*at or before.*"serverTime"/,
    ],
    [
      'an expiration in the past',
      (a: Record<string, unknown>) => ({
        ...a,
        expiration: new Date(Date.parse(a.serverTime as string) - 60_000).toISOString(),
      }),
      /"expiration".*at or before/,
    ],
    [
      'an expiration half a second after serverTime',
      (a: Record<string, unknown>) => ({
        ...a,
        expiration: new Date(Date.parse(a.serverTime as string) + 500).toISOString(),
      }),
      /"expiration".*less than a second after/,
    ],
    ['no prefix', ({ prefix: _p, ...a }: Record<string, unknown>) => a, /without "prefix"/],
    [
      'a prefix without its trailing slash',
      (a: Record<string, unknown>) => ({ ...a, prefix: 'users/alice' }),
      /"prefix".*does not end with "\/"/,
    ],
    [
      'a prefix with a ".." segment',
      (a: Record<string, unknown>) => ({ ...a, prefix: 'users/../' }),
      /"prefix".*documented pattern/,
    ],
    [
      'a prefix with a wildcard',
      (a: Record<string, unknown>) => ({ ...a, prefix: 'users/a*/' }),
      /"prefix".*documented pattern/,
    ],
    ['no accessKeyId', ({ accessKeyId: _k, ...a }: Record<string, unknown>) => a, /"accessKeyId"/],
    [
      'a sessionToken that is a number',
      (a: Record<string, unknown>) => ({ ...a, sessionToken: 42 }),
      /"sessionToken"/,
    ],
    [
      'an expiration that is not a date',
      (a: Record<string, unknown>) => ({ ...a, expiration: 'soon' }),
      /"expiration"/,
    ],
    ['no bucket', ({ bucket: _b, ...a }: Record<string, unknown>) => a, /"bucket"/],
    ['malformed JSON', () => '{"accessKeyId": ', /did not answer JSON/],
    ['a JSON array', () => [], /JSON object/],
  ])(
    '%s: a credentials error naming it, bounded retries, nothing sent to S3',
    async (_name, spoil, message) => {
      const s3 = wire.reset();
      s3.credentialAnswer = spoil;
      const up = testUploader();
      const task = up.add(randomFile(6 * MiB).file);
      await settled(up, task);
      expect(task.state).toBe('failed');
      expect(task.error?.code).toBe('credentials');
      expect(task.error?.status).toBe(200);
      expect(task.error?.message).toMatch(message);
      expect(task.error?.message).toMatch(/answered something unexpected/);
      expect(s3.credentialRequests).toHaveLength(ATTEMPTS);
      expect(s3.calls).toEqual([]);
    },
  );

  it('a bad answer followed by good ones: retried, and the upload succeeds', async () => {
    const s3 = wire.reset();
    let answers = 0;
    s3.credentialAnswer = (a) => (++answers === 1 ? { ...a, expiration: a.serverTime } : a);
    const up = testUploader();
    const { file, bytes } = randomFile(6 * MiB);
    const task = up.add(file);
    await settled(up, task);
    expect(task.state).toBe('succeeded');
    expect(sameBytes(s3.objects.get(task.key!), bytes)).toBe(true);
  });

  it('past-expiry answers after a good start (an ExpiredToken mid-upload): at most the bounded number of token requests', async () => {
    const s3 = wire.reset();
    let answers = 0;
    // The first answer is good; every later one expires at serverTime.
    s3.credentialAnswer = (a) => (++answers === 1 ? a : { ...a, expiration: a.serverTime });
    s3.fault = (call) =>
      call.op === 'UploadPart' && call.partNumber === 2
        ? new Response('<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>', {
            status: 400,
            headers: { 'content-type': 'application/xml' },
          })
        : undefined;
    const up = testUploader({ concurrency: 1 });
    const task = up.add(randomFile(16 * MiB).file);
    await settled(up, task);
    expect(task.state).toBe('failed');
    expect(task.error?.code).toBe('credentials');
    // One good answer, then one refresh and its bounded retries (no retry schedule per part).
    expect(s3.credentialRequests.length).toBeLessThanOrEqual(1 + ATTEMPTS);
    expect(s3.count('CompleteMultipartUpload')).toBe(0);
  });

  it('a 401 still says sign in again and is not retried', async () => {
    const s3 = wire.reset();
    s3.credentialStatus = 401;
    const up = testUploader();
    const task = up.add(randomFile(100).file);
    await settled(up, task);
    expect(task.error?.code).toBe('credentials');
    expect(task.error?.status).toBe(401);
    expect(task.error?.message).toMatch(/sign in again/);
    expect(s3.credentialRequests).toHaveLength(1);
  });
});
