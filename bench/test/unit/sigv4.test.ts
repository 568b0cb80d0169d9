import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, signRequest } from '../../src/sigv4.js';

// The worked example of the S3 SigV4 documentation ("Example: GET Object"):
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
const keys = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('signRequest (the limit contender signs its own requests)', () => {
  it('reproduces the signature of the AWS documentation example', () => {
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      payloadHash: EMPTY_SHA256,
      keys,
      region: 'us-east-1',
      date: new Date('2013-05-24T00:00:00Z'),
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs the session token and sorts query parameters', () => {
    const base = {
      method: 'PUT',
      payloadHash: 'UNSIGNED-PAYLOAD',
      region: 'us-east-1',
      date: new Date('2013-05-24T00:00:00Z'),
    };
    const a = signRequest({ ...base, url: new URL('http://127.0.0.1:1/b/k?uploadId=x&partNumber=1'), keys });
    const b = signRequest({ ...base, url: new URL('http://127.0.0.1:1/b/k?partNumber=1&uploadId=x'), keys });
    expect(a.authorization).toBe(b.authorization);
    const withToken = signRequest({
      ...base,
      url: new URL('http://127.0.0.1:1/b/k'),
      keys: { ...keys, sessionToken: 'tok' },
    });
    expect(withToken['x-amz-security-token']).toBe('tok');
    expect(withToken.authorization).toContain('x-amz-security-token');
  });
});
