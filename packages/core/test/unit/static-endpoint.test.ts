import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { defaultEndpointResolver as staticResolver } from '../../build/static-endpoint.mjs';

// The browser build replaces S3's endpoint rule engine with a static resolver
// (build/lean-sdk.mjs). For every endpoint a browser upload uses it must answer what the
// SDK's own rule set answers: the same URL and the same SigV4 signing scope.
const sdkResolver = new S3Client({ region: 'us-east-1' }).config.endpointProvider;

const cases: Record<string, unknown>[] = [
  { Region: 'eu-west-1', Bucket: 'my-uploads' },
  { Region: 'us-east-1', Bucket: 'my-uploads' },
  { Region: 'eu-west-1', Bucket: 'my.dotted.bucket' },
  { Region: 'eu-west-1', Bucket: 'my-uploads', ForcePathStyle: true },
  { Region: 'cn-north-1', Bucket: 'my-uploads' },
  { Region: 'us-east-1', Bucket: 's3up', Endpoint: 'http://127.0.0.1:7480', ForcePathStyle: true },
  { Region: 'us-east-1', Bucket: 's3up', Endpoint: 'http://127.0.0.1:7480' },
  { Region: 'us-east-1', Bucket: 's3up', Endpoint: 'https://minio.example.com', ForcePathStyle: true },
  { Region: 'us-east-1', Bucket: 's3up', Endpoint: 'https://storage.example.com' },
  {
    Region: 'auto',
    Bucket: 'uploads',
    Endpoint: 'https://account.r2.cloudflarestorage.com',
    ForcePathStyle: true,
  },
];

describe("the browser build's static endpoint resolver", () => {
  it.each(cases)('answers what the SDK rule set answers: %o', (params) => {
    const full = { UseFIPS: false, UseDualStack: false, Accelerate: false, ...params };
    const expected = sdkResolver(full as never) as {
      url: URL;
      properties?: { authSchemes?: Record<string, unknown>[] };
    };
    const actual = staticResolver(full);
    expect(actual.url.href).toBe(expected.url.href);
    const scheme = expected.properties?.authSchemes?.[0];
    expect(actual.properties.authSchemes[0]).toEqual({
      name: scheme?.name,
      signingName: scheme?.signingName,
      signingRegion: scheme?.signingRegion,
      disableDoubleEncoding: scheme?.disableDoubleEncoding,
    });
  });

  it('refuses what it does not resolve, naming it, instead of answering a wrong endpoint', () => {
    const base = { Region: 'eu-west-1', Bucket: 'b-1' };
    expect(() => staticResolver({ ...base, UseFIPS: true })).toThrow(/FIPS endpoints needs the full SDK/);
    expect(() => staticResolver({ ...base, UseDualStack: true })).toThrow(/dual-stack/);
    expect(() => staticResolver({ ...base, Accelerate: true })).toThrow(/Transfer Acceleration/);
    expect(() => staticResolver({ ...base, Bucket: 'arn:aws:s3:eu-west-1:1:accesspoint/x' })).toThrow(
      /access point/,
    );
    expect(() => staticResolver({ ...base, Bucket: 'b--euw1-az1--x-s3' })).toThrow(/directory buckets/);
  });
});
