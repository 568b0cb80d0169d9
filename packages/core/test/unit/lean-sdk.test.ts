import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { awsPartitionOnly, leanSdk, withLiteralKeys } from '../../build/lean-sdk.mjs';

// The browser build's source rewrites (build/lean-sdk.mjs) must change what the SDK ships,
// never what it does: these compare the rewritten modules with the SDK's own.
const require = createRequire(import.meta.url);
const clientS3 = dirname(require.resolve('@aws-sdk/client-s3/package.json'));
const schemasFile = join(clientS3, 'dist-es', 'schemas', 'schemas_0.js');
const partitionsFile = join(
  dirname(require.resolve('@aws-sdk/core/package.json', { paths: [clientS3] })),
  'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js',
);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The schema module bundled on its own, with or without the lean-sdk plugin, then imported. */
async function schemas(lean: boolean): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-lean-sdk-'));
  dirs.push(dir);
  const outfile = join(dir, `schemas-${lean ? 'lean' : 'sdk'}.mjs`);
  await build({
    entryPoints: [schemasFile],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: lean ? [leanSdk()] : [],
  });
  // The rewrite did happen in the lean bundle (and only there).
  expect(/\[_hH\]:/.test(await readFile(outfile, 'utf8'))).toBe(!lean);
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

describe('lean-sdk: literal keys in the schema module', () => {
  it('leaves every shape of client-s3 as the SDK declares it (names, members, traits)', async () => {
    const [sdk, lean] = await Promise.all([schemas(false), schemas(true)]);
    const names = Object.keys(sdk).filter((k) => k.endsWith('$'));
    expect(names.length).toBeGreaterThan(400);
    expect(Object.keys(lean).sort()).toEqual(Object.keys(sdk).sort());
    const differ = names.filter((n) => JSON.stringify(lean[n]) !== JSON.stringify(sdk[n]));
    expect(differ).toEqual([]);
    // A trait that travels on the wire: UploadPart's checksum header.
    expect(JSON.stringify(lean.UploadPartRequest$)).toContain('"httpHeader":"x-amz-checksum-crc32"');
  });

  it('writes no computed key, and refuses a key that is not a string constant', async () => {
    const source = await readFile(schemasFile, 'utf8');
    expect(source).toMatch(/\{ \[_\w+\]:/);
    expect(withLiteralKeys(source)).not.toMatch(/\[_\w+\]:/);
    expect(() => withLiteralKeys('const _a = "a";\nexport var X$ = [0, { [_b]: 1 }];')).toThrow(
      /computed key _b that is not a string constant/,
    );
  });
});

describe('lean-sdk: the partition table', () => {
  it("keeps the aws partition's outputs and region pattern, without the region list", async () => {
    const source = await readFile(partitionsFile, 'utf8');
    const full = JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1));
    const fullAws = full.partitions.find((p: { id: string }) => p.id === 'aws');
    const lean = awsPartitionOnly(source);
    const kept = JSON.parse(lean.slice(lean.indexOf('{'), lean.lastIndexOf('}') + 1));
    expect(kept.partitions).toEqual([{ ...fullAws, regions: {} }]);
    expect(kept.version).toBe(full.version);
    expect(() => awsPartitionOnly('export const partitionsInfo = {"partitions":[]};')).toThrow(
      /no 'aws' partition/,
    );
  });
});

/** src/s3-sdk.ts bundled for browsers by the lean-sdk plugin, with or without its middleware stubs, then imported. */
async function browserSdk(lean: boolean): Promise<typeof import('../../src/s3-sdk.js')> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-lean-sdk-'));
  dirs.push(dir);
  const outfile = join(dir, `s3-sdk-${lean ? 'lean' : 'full'}.mjs`);
  await build({
    entryPoints: [join(dirname(new URL(import.meta.url).pathname), '../../src/s3-sdk.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    logLevel: 'silent',
    plugins: [leanSdk({ keepMiddleware: !lean })],
  });
  expect((await readFile(outfile, 'utf8')).includes('signS3Express')).toBe(!lean);
  return (await import(pathToFileURL(outfile).href)) as typeof import('../../src/s3-sdk.js');
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sends `command` with a client configured as the engine configures it; returns the signed request. */
async function signedRequest(sdk: typeof import('../../src/s3-sdk.js'), make: (s: typeof sdk) => unknown) {
  let sent: Sent | undefined;
  const client = new sdk.S3Client({
    region: 'eu-west-1',
    endpoint: 'https://s3.example.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    expectContinueHeader: false,
    requestHandler: {
      handle: async (request: {
        method: string;
        protocol: string;
        hostname: string;
        path: string;
        query: Record<string, string>;
        headers: Record<string, string>;
      }) => {
        const query = new URLSearchParams(request.query).toString();
        sent = {
          method: request.method,
          url: `${request.protocol}//${request.hostname}${request.path}${query ? `?${query}` : ''}`,
          headers: { ...request.headers },
          ...(typeof (request as { body?: unknown }).body === 'string'
            ? { body: (request as { body?: string }).body }
            : {}),
        };
        return {
          response: {
            statusCode: 200,
            headers: { etag: '"abc"' },
            body: new Blob([]).stream(),
          },
        };
      },
    } as never,
  });
  const output = (await client.send(make(sdk) as never).catch((error: Error) => ({
    error: `${error.name}: ${error.message}`,
  }))) as { ETag?: string; error?: string; $metadata?: unknown };
  // Time-dependent and random values: the rest must be identical.
  const {
    authorization,
    'x-amz-date': _date,
    'amz-sdk-invocation-id': _id,
    ...headers
  } = sent?.headers ?? {};
  return {
    request: sent ? { ...sent, headers } : undefined,
    signedHeaders: /SignedHeaders=([^,]+)/.exec(authorization ?? '')?.[1],
    etag: output.ETag,
    output: { ...output, $metadata: undefined },
  };
}

describe('lean-sdk: the middleware it leaves out', () => {
  it('sends the same signed requests as the SDK with its own middleware, and reads the same answers', async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const part = (s: typeof full) =>
      new s.UploadPartCommand({
        Bucket: 'bucket',
        Key: 'users/u/a.bin',
        UploadId: 'upload-1',
        PartNumber: 2,
        Body: new Uint8Array(1000),
        ChecksumCRC32: 'AAAAAA==',
      });
    const [a, b] = await Promise.all([signedRequest(full, part), signedRequest(lean, part)]);
    expect(b).toEqual(a);
    expect(b.request?.url).toBe(
      'https://s3.example.test/bucket/users/u/a.bin?x-id=UploadPart&uploadId=upload-1&partNumber=2',
    );
    expect(b.signedHeaders).toContain('x-amz-checksum-crc32');
    expect(b.request?.headers.expect).toBeUndefined();
    expect(b.etag).toBe('"abc"');
  });

  it('sends every other command the engine sends as the SDK with its own middleware does', async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const at = { Bucket: 'bucket', Key: 'users/u/a.bin' };
    const commands: ((s: typeof full) => unknown)[] = [
      (s) =>
        new s.CreateMultipartUploadCommand({ ...at, ContentType: 'image/png', ChecksumAlgorithm: 'CRC32' }),
      (s) => new s.ListPartsCommand({ ...at, UploadId: 'upload-1', PartNumberMarker: '3' }),
      (s) =>
        new s.CompleteMultipartUploadCommand({
          ...at,
          UploadId: 'upload-1',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"', ChecksumCRC32: 'AAAAAA==' }] },
        }),
      (s) => new s.AbortMultipartUploadCommand({ ...at, UploadId: 'upload-1' }),
      (s) => new s.HeadObjectCommand(at),
      (s) => new s.PutObjectCommand({ ...at, Body: 'hello', Metadata: { 'x-s3up-name': 'a.bin' } }),
    ];
    for (const command of commands) {
      const [a, b] = await Promise.all([signedRequest(full, command), signedRequest(lean, command)]);
      expect(b).toEqual(a);
      expect(b.signedHeaders).toContain('x-amz-security-token');
    }
  });

  it('refuses the settings that need what it leaves out, saying so', async () => {
    const lean = await browserSdk(true);
    expect(() => new lean.S3Client({ region: 'eu-west-1', followRegionRedirects: true })).toThrow(
      /followRegionRedirects is not part of the browser upload build/,
    );
    // An SSE-C key is refused, not sent without the MD5 the full SDK would add.
    const sseC = (sdk: typeof lean) =>
      new sdk.PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x', SSECustomerKey: 'a'.repeat(32) });
    const refused = await signedRequest(lean, sseC);
    expect(refused.output.error).toMatch(/SSE-C customer keys are not part/);
    expect(refused.request).toBeUndefined();
  });
});
