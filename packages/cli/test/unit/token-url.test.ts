import { describe, expect, it } from 'vitest';
import { credentialsUrl } from '../../src/token-url.js';

describe('credentialsUrl', () => {
  it('appends /credentials to a base URL and keeps a full one', () => {
    expect(credentialsUrl('https://app.example.com/api/s3up')).toBe(
      'https://app.example.com/api/s3up/credentials',
    );
    expect(credentialsUrl('https://app.example.com/api/s3up/')).toBe(
      'https://app.example.com/api/s3up/credentials',
    );
    expect(credentialsUrl('http://127.0.0.1:8080/credentials')).toBe('http://127.0.0.1:8080/credentials');
    expect(() => credentialsUrl('not a url')).toThrow(/--token-url/);
    expect(() => credentialsUrl('ftp://x/')).toThrow(/http\(s\)/);
  });
});
