import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  awsPartitionOnly,
  leanSdk,
  MEMBERS_USED,
  withLiteralKeys,
  withMembersUsed,
} from '../../build/lean-sdk.mjs';
import { classify } from '../../src/failure.js';

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

/**
 * The schema module bundled on its own, then imported: as the SDK wrote it ('sdk'), with
 * literal keys only ('literal': the lean-sdk plugin's asWritten), or as the browser build
 * ships it ('lean': literal keys, the members the engine uses, no error classes).
 */
async function schemas(kind: 'sdk' | 'literal' | 'lean'): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-lean-sdk-'));
  dirs.push(dir);
  const outfile = join(dir, `schemas-${kind}.mjs`);
  await build({
    entryPoints: [schemasFile],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: kind === 'sdk' ? [] : [leanSdk({ asWritten: kind === 'literal' })],
  });
  // The rewrite did happen in the plugin's bundles (and only there).
  expect(/\[_hH\]:/.test(await readFile(outfile, 'utf8'))).toBe(kind === 'sdk');
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

type Struct = [number, string, string, unknown, string[], unknown[], number?];

describe('lean-sdk: the members the engine uses', () => {
  it('keeps, of the shapes the engine sends and reads, exactly the members it lists, each as the SDK declares it', async () => {
    const [sdk, lean] = await Promise.all([schemas('literal'), schemas('lean')]);
    for (const [shape, members] of Object.entries(MEMBERS_USED)) {
      const full = sdk[`${shape}$`] as Struct;
      const kept = lean[`${shape}$`] as Struct;
      expect(kept[4], shape).toEqual(full[4].filter((m) => members.includes(m)));
      expect(new Set(kept[4]), shape).toEqual(new Set(members));
      for (const [i, member] of kept[4].entries())
        expect(JSON.stringify(kept[5][i]), `${shape}.${member}`).toBe(
          JSON.stringify(full[5][full[4].indexOf(member)]),
        );
      // The required members (the first n) are all kept, in front.
      expect(kept[6] ?? 0, shape).toBe(full[6] ?? 0);
    }
    // Every other shape is untouched.
    const others = Object.keys(sdk).filter((k) => k.endsWith('$') && !(k.slice(0, -1) in MEMBERS_USED));
    expect(others.filter((k) => JSON.stringify(lean[k]) !== JSON.stringify(sdk[k]))).toEqual([]);
    expect(() =>
      withMembersUsed('export var X$ = [3, n0, _X,\n    0,\n    [_a],\n    [0]\n];', { Y: [] }),
    ).toThrow(/no struct shape Y/);
  });
});

describe('lean-sdk: literal keys in the schema module', () => {
  it('leaves every shape of client-s3 as the SDK declares it (names, members, traits)', async () => {
    const [sdk, lean] = await Promise.all([schemas('sdk'), schemas('literal')]);
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

/** Node has no DOMParser: both builds read XML with the SDK's own parser for Node instead. */
const nodeXmlParser: Plugin = {
  name: 'node-xml-parser',
  setup(b) {
    b.onLoad({ filter: /xml-builder[\\/]dist-es[\\/]xml-parser\.browser\.js$/ }, (args) => ({
      contents: "export * from './xml-parser.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * src/s3-sdk.ts bundled for browsers by the lean-sdk plugin, with or without what it replaces
 * (asWritten), split as core's build splits it (the SHA-256 fallback and the fetch handler
 * are files of their own, imported when needed). Built and imported once per kind; `fresh`
 * imports another instance of the module (its own module state, as a new page would have).
 */
type BrowserSdk = typeof import('../../src/s3-sdk.js');
const built = new Map<boolean, Promise<string>>();
const shared = new Map<boolean, Promise<BrowserSdk>>();
let instances = 0;
async function browserSdk(lean: boolean, fresh = false): Promise<BrowserSdk> {
  let file = built.get(lean);
  if (!file) {
    file = buildBrowserSdk(lean);
    built.set(lean, file);
  }
  const load = async () =>
    (await import(`${pathToFileURL(await file).href}?instance=${++instances}`)) as BrowserSdk;
  if (fresh) return load();
  let module = shared.get(lean);
  if (!module) {
    module = load();
    shared.set(lean, module);
  }
  return module;
}

async function buildBrowserSdk(lean: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-lean-sdk-'));
  dirs.push(dir);
  const name = `s3-sdk-${lean ? 'lean' : 'full'}`;
  await build({
    entryPoints: { [name]: join(dirname(new URL(import.meta.url).pathname), '../../src/s3-sdk.ts') },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    logLevel: 'silent',
    plugins: [leanSdk({ asWritten: !lean }), nodeXmlParser],
  });
  const file = join(dir, `${name}.mjs`);
  const code = await readFile(file, 'utf8');
  expect(code.includes('signS3Express')).toBe(!lean);
  // The JS SHA-256 and FetchHttpHandler are in the SDK's file only as written.
  expect(code.includes('MAX_HASHABLE_LENGTH')).toBe(!lean);
  expect(code.includes('keepAliveSupport')).toBe(!lean);
  return file;
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The SDK's x-amz-user-agent without its trailing `m/<feature ids>` section. */
const withoutFeatureIds = (userAgent: string) => userAgent.replace(/ m\/[^ ]*$/, '');

/**
 * A client of `sdk` set up as the engine sets up its own (named endpoint, path style, session
 * credentials, checksums only where required, one attempt, no Expect header), whose requests
 * go to `handler` instead of the network.
 */
function testClient(
  sdk: typeof import('../../src/s3-sdk.js'),
  handler: { handle: (request: never) => unknown },
) {
  return new sdk.S3Client({
    region: 'eu-west-1',
    endpoint: 'https://s3.example.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    expectContinueHeader: false,
    requestHandler: handler as never,
  });
}

/** Sends `command` with a client configured as the engine configures it; returns the signed request. */
async function signedRequest(sdk: typeof import('../../src/s3-sdk.js'), make: (s: typeof sdk) => unknown) {
  let sent: Sent | undefined;
  const client = testClient(sdk, {
    handle: async (request: {
      method: string;
      protocol: string;
      hostname: string;
      path: string;
      query: Record<string, string>;
      headers: Record<string, string>;
    }) => {
      // Sorted: the SDK writes a query in its input's or its schema's member order, which the
      // trimmed schemas change; S3 and SigV4 read them in any order (SigV4 sorts them).
      const query = new URLSearchParams(Object.entries(request.query).sort()).toString();
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
  });
  const output = (await client.send(make(sdk) as never).catch((error: Error) => ({
    error: `${error.name}: ${error.message}`,
  }))) as { ETag?: string; error?: string; $metadata?: unknown };
  // Time-dependent and random values: the rest must be identical (the user agent less the
  // feature ids the lean build leaves out: see 'x-amz-user-agent' below).
  const {
    authorization,
    'x-amz-date': _date,
    'amz-sdk-invocation-id': _id,
    ...headers
  } = sent?.headers ?? {};
  if (headers['x-amz-user-agent'])
    headers['x-amz-user-agent'] = withoutFeatureIds(headers['x-amz-user-agent']);
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
      'https://s3.example.test/bucket/users/u/a.bin?partNumber=2&uploadId=upload-1&x-id=UploadPart',
    );
    expect(b.signedHeaders).toContain('x-amz-checksum-crc32');
    expect(b.request?.headers.expect).toBeUndefined();
    expect(b.etag).toBe('"abc"');
  });

  it('sends every other command the engine sends as the SDK with its own middleware does', async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const at = { Bucket: 'bucket', Key: 'users/u/a.bin' };
    // Every member the engine sets (s3-operations.ts), which the lean schemas keep.
    const meta = { Metadata: { 'x-s3up-name': 'a.bin' }, ContentDisposition: 'inline; filename="a.bin"' };
    const commands: ((s: typeof full) => unknown)[] = [
      (s) =>
        new s.CreateMultipartUploadCommand({ ...at, ContentType: 'image/png', ChecksumAlgorithm: 'CRC32' }),
      (s) =>
        new s.CreateMultipartUploadCommand({
          ...at,
          ...meta,
          ChecksumAlgorithm: 'CRC64NVME',
          ChecksumType: 'FULL_OBJECT',
        }),
      (s) => new s.ListPartsCommand({ ...at, UploadId: 'upload-1', PartNumberMarker: '3' }),
      (s) =>
        new s.CompleteMultipartUploadCommand({
          ...at,
          UploadId: 'upload-1',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"', ChecksumCRC32: 'AAAAAA==' }] },
        }),
      (s) =>
        new s.CompleteMultipartUploadCommand({
          ...at,
          UploadId: 'upload-1',
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: '"e1"', ChecksumCRC32C: 'AAAAAA==' },
              { PartNumber: 2, ETag: '"e2"', ChecksumCRC32C: 'AAAAAB==' },
            ],
          },
          ChecksumCRC32C: 'AAAAAC==',
          ChecksumType: 'FULL_OBJECT',
          IfNoneMatch: '*',
        }),
      (s) => new s.AbortMultipartUploadCommand({ ...at, UploadId: 'upload-1' }),
      (s) => new s.HeadObjectCommand(at),
      (s) => new s.HeadObjectCommand({ ...at, ChecksumMode: 'ENABLED' }),
      (s) => new s.PutObjectCommand({ ...at, Body: 'hello', Metadata: { 'x-s3up-name': 'a.bin' } }),
      (s) =>
        new s.PutObjectCommand({
          ...at,
          ...meta,
          Body: new Uint8Array(5),
          ContentLength: 5,
          ContentType: 'text/plain',
          ChecksumCRC64NVME: 'AAAAAAAAAAA=',
          IfNoneMatch: '*',
        }),
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
    expect(refused.output.error).toMatch(/^S3upBrowserBuildError: s3up: SSE-C customer keys are not part/);
    expect(refused.request).toBeUndefined();
    // A member its schemas do not keep is refused, not dropped from the request unseen.
    const storageClass = (sdk: typeof lean) =>
      new sdk.PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x', StorageClass: 'GLACIER' });
    const trimmed = await signedRequest(lean, storageClass);
    expect(trimmed.output.error).toMatch(
      /^S3upBrowserBuildError: s3up: PutObjectCommand with StorageClass is not part of the browser upload build/,
    );
    expect(trimmed.request).toBeUndefined();
    // Named, so that the engine stops on it as on a bug: unnamed, an error before any answer
    // is sorted as a lost connection and retried, and the user is told to check the network.
    const [name, ...message] = (trimmed.output.error ?? '').split(': ');
    const failure = classify(Object.assign(new Error(message.join(': ')), { name }), 'PutObject', 'k');
    expect(failure.action).toBe('fatal');
    expect(failure.error.code).toBe('internal');
    expect(failure.error.message).toMatch(
      /StorageClass is not part of the browser upload build.*please report it/,
    );
    expect(classify(new Error(message.join(': ')), 'PutObject', 'k').action).toBe('retry');
    const full = await browserSdk(false);
    expect((await signedRequest(full, storageClass)).request?.headers['x-amz-storage-class']).toBe('GLACIER');
  });
});

/** A client of `sdk` whose every request the server answers with `status`, `headers` and `body`. */
function answeringClient(
  sdk: typeof import('../../src/s3-sdk.js'),
  status: number,
  headers: Record<string, string>,
  body: string,
) {
  return testClient(sdk, {
    handle: async () => ({ response: { statusCode: status, headers, body: new Blob([body]).stream() } }),
  });
}

/** The error `make` meets when the server answers `status` with `body`: every field of it, and its class's name. */
async function errorFrom(
  sdk: typeof import('../../src/s3-sdk.js'),
  make: (s: typeof sdk) => unknown,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  const client = answeringClient(sdk, status, { 'x-amz-request-id': 'REQ1', ...headers }, body);
  const error = (await client.send(make(sdk) as never).then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & Record<string, unknown>) | undefined;
  if (!error) throw new Error('expected an error');
  return {
    className: error.constructor.name,
    fields: { ...error, name: error.name, message: error.message },
    isError: error instanceof Error,
  };
}

const s3Error = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>REQ1</RequestId><HostId>host</HostId></Error>`;

describe('lean-sdk: S3 errors without their classes', () => {
  it('throws every error with the name, message, fault, metadata and fields the SDK gives it; only the class is S3ServiceException', async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const at = { Bucket: 'bucket', Key: 'users/u/a.bin' };
    const part = (s: typeof full) =>
      new s.UploadPartCommand({ ...at, UploadId: 'u1', PartNumber: 1, Body: new Uint8Array(3) });
    const cases: [string, (s: typeof full) => unknown, number, string][] = [
      // Modeled errors (a class of their own in the SDK): what the engine reads by name.
      ['NoSuchUpload', part, 404, s3Error('NoSuchUpload', 'The specified upload does not exist.')],
      ['NotFound (HEAD: no body)', (s) => new s.HeadObjectCommand(at), 404, ''],
      ['AccessDenied', part, 403, s3Error('AccessDenied', 'Access Denied')],
      ['NoSuchKey', (s) => new s.ListPartsCommand({ ...at, UploadId: 'u1' }), 404, s3Error('NoSuchKey', '')],
      [
        'InvalidObjectState, with modeled fields',
        part,
        403,
        s3Error(
          'InvalidObjectState',
          'archived',
          '<StorageClass>GLACIER</StorageClass><AccessTier>x</AccessTier>',
        ),
      ],
      // Unmodeled ones, the same in both builds before too.
      ['ExpiredToken', part, 400, s3Error('ExpiredToken', 'The provided token has expired.')],
      ['SlowDown', part, 503, s3Error('SlowDown', 'Please reduce your request rate.')],
    ];
    for (const [what, make, status, body] of cases) {
      const [a, b] = await Promise.all([
        errorFrom(full, make, status, body),
        errorFrom(lean, make, status, body),
      ]);
      expect(b.fields, what).toEqual(a.fields);
      expect(b.isError, what).toBe(true);
      // (esbuild may rename a class _S3ServiceException where another binding has its name.)
      expect(b.className, what).toMatch(/^_?S3ServiceException$/);
    }
    // The one difference: the SDK's own build throws a modeled error as its class.
    const modeled = await errorFrom(full, part, 404, s3Error('NoSuchUpload', 'gone'));
    expect(modeled.className).toMatch(/^_?NoSuchUpload$/);
    expect(modeled.fields).toMatchObject({ name: 'NoSuchUpload', message: 'gone', $fault: 'client' });
  });
});

/**
 * Signs `make` at a fixed time and returns every header sent, the signature included. With
 * `sameUserAgent` the signed x-amz-user-agent is set to one value in every build (the lean one
 * leaves out the feature ids), so that signatures compare.
 */
async function signedAt(
  sdk: typeof import('../../src/s3-sdk.js'),
  make: (s: typeof sdk) => unknown,
  sameUserAgent = true,
) {
  let headers: Record<string, string> | undefined;
  const client = testClient(sdk, {
    handle: async (request: { headers: Record<string, string> }) => {
      headers = { ...request.headers };
      return { response: { statusCode: 200, headers: { etag: '"abc"' }, body: new Blob([]).stream() } };
    },
  });
  if (sameUserAgent)
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-user-agent'] = 'test-agent';
        return next(args);
      },
      { step: 'build', priority: 'low', name: 'sameUserAgent' },
    );
  // Only what was sent counts here (an empty 200 to Complete is an error to the SDK).
  await client.send(make(sdk) as never).catch(() => {});
  const { 'amz-sdk-invocation-id': _id, ...rest } = headers ?? {};
  return rest;
}

describe('lean-sdk: the SHA-256 fallback, loaded when needed', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('signs without WebCrypto (a plain-http page) exactly as the SDK does with it, hashing a body over 8 MiB too', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T12:00:00Z'));
    const full = await browserSdk(false);
    const at = { Bucket: 'bucket', Key: 'users/u/a.bin' };
    const complete = (s: typeof full) =>
      new s.CompleteMultipartUploadCommand({
        ...at,
        UploadId: 'u1',
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e1"' }] },
      });
    // A body the SDK hashes (a string) and one past the 8 MiB where it switches to its JS hash.
    const large = (s: typeof full) => new s.PutObjectCommand({ ...at, Body: 'x'.repeat(9 * 1024 * 1024) });
    const expected = [await signedAt(full, complete), await signedAt(full, large)];
    expect(expected[0]?.authorization).toMatch(/Signature=[0-9a-f]{64}$/);

    const lean = await browserSdk(true);
    expect([await signedAt(lean, complete), await signedAt(lean, large)]).toEqual(expected);

    // No crypto.subtle, as on http:// pages other than localhost: the module reads it when loaded.
    const { getRandomValues, randomUUID } = globalThis.crypto;
    vi.stubGlobal('crypto', {
      getRandomValues: getRandomValues.bind(globalThis.crypto),
      randomUUID: randomUUID.bind(globalThis.crypto),
    });
    const insecure = await browserSdk(true, true);
    expect(await signedAt(insecure, complete)).toEqual(expected[0]);
  }, 30_000);
});

describe('lean-sdk: x-amz-user-agent', () => {
  it("carries the SDK's sections (SDK, OS, language, browser, API, app id) without the m/ feature ids", async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const head = (s: typeof full) => new s.HeadObjectCommand({ Bucket: 'bucket', Key: 'k' });
    const a = (await signedAt(full, head, false))['x-amz-user-agent'] ?? '';
    const b = (await signedAt(lean, head, false))['x-amz-user-agent'] ?? '';
    expect(a).toMatch(/^aws-sdk-js\/[\d.]+ ua\/2\.1 os\/\S+ lang\/js md\/browser#\S+ api\/s3#[\d.]+ m\/\S+$/);
    expect(b).toBe(withoutFeatureIds(a));
    expect(b).not.toContain(' m/');
  });
});

describe('lean-sdk: the fetch handler, loaded when needed', () => {
  it('sends a request where no handler is given (no XMLHttpRequest: a service worker) as the SDK does', async () => {
    const received: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { authorization, 'x-amz-date': _d, 'amz-sdk-invocation-id': _i, ...headers } = req.headers;
        headers['x-amz-user-agent'] = withoutFeatureIds(String(headers['x-amz-user-agent']));
        received.push({
          method: req.method,
          url: req.url,
          headers: { ...headers, signed: /SignedHeaders=([^,]+)/.exec(String(authorization))?.[1] },
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(200, { etag: '"e2"', 'x-amz-request-id': 'REQ2' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const send = async (sdk: typeof import('../../src/s3-sdk.js')) => {
        const client = new sdk.S3Client({
          region: 'eu-west-1',
          endpoint: `http://127.0.0.1:${port}`,
          forcePathStyle: true,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          maxAttempts: 1,
        });
        const out = await client.send(
          new sdk.UploadPartCommand({
            Bucket: 'bucket',
            Key: 'users/u/a.bin',
            UploadId: 'u1',
            PartNumber: 2,
            Body: 'part two',
          }),
        );
        return { etag: out.ETag, requestId: out.$metadata.requestId, status: out.$metadata.httpStatusCode };
      };
      const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
      const a = await send(full);
      const b = await send(lean);
      expect(b).toEqual(a);
      expect(b).toEqual({ etag: '"e2"', requestId: 'REQ2', status: 200 });
      expect(received).toHaveLength(2);
      expect(received[1]).toEqual(received[0]);
      expect(received[1]).toMatchObject({
        method: 'PUT',
        url: '/bucket/users/u/a.bin?partNumber=2&uploadId=u1&x-id=UploadPart',
        body: 'part two',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});

/** `value` with only the members `like` has, at every depth (arrays item by item). */
function restrictedTo(value: unknown, like: unknown): unknown {
  if (Array.isArray(value) && Array.isArray(like)) return value.map((v, i) => restrictedTo(v, like[i]));
  if (value && like && typeof value === 'object' && typeof like === 'object' && !(value instanceof Date))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k in like)
        .map(([k, v]) => [k, restrictedTo(v, (like as Record<string, unknown>)[k])]),
    );
  return value;
}

/** What `make` reads from an answer: the SDK's output, without its metadata. */
async function outputFrom(
  sdk: typeof import('../../src/s3-sdk.js'),
  make: (s: typeof sdk) => unknown,
  headers: Record<string, string>,
  body = '',
): Promise<Record<string, unknown>> {
  const client = answeringClient(sdk, 200, headers, body);
  const { $metadata: _m, ...output } = (await client.send(make(sdk) as never)) as unknown as Record<
    string,
    unknown
  >;
  return output;
}

describe('lean-sdk: the members the engine reads', () => {
  it('reads every member the engine uses from real answers as the SDK does, and only drops members it never reads', async () => {
    const [full, lean] = await Promise.all([browserSdk(false), browserSdk(true)]);
    const at = { Bucket: 'bucket', Key: 'users/u/a.bin' };
    const listParts = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult><Bucket>bucket</Bucket><Key>users/u/a.bin</Key><UploadId>u1</UploadId>
<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>1000</MaxParts>
<IsTruncated>true</IsTruncated><StorageClass>STANDARD</StorageClass><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>
<Initiator><ID>i</ID><DisplayName>d</DisplayName></Initiator><Owner><ID>o</ID></Owner>
<Part><PartNumber>1</PartNumber><LastModified>2026-12-06T12:00:00.000Z</LastModified><ETag>"e1"</ETag><Size>8388608</Size><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
<Part><PartNumber>2</PartNumber><LastModified>2026-12-06T12:00:01.000Z</LastModified><ETag>"e2"</ETag><Size>1048576</Size><ChecksumCRC32>AAAAAB==</ChecksumCRC32></Part>
</ListPartsResult>`;
    const created = `<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>users/u/a.bin</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>`;
    const completed = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult><Location>https://s3.example.test/bucket/users/u/a.bin</Location><Bucket>bucket</Bucket><Key>users/u/a.bin</Key><ETag>"abc-2"</ETag><ChecksumCRC32>AAAAAC==</ChecksumCRC32><ChecksumType>FULL_OBJECT</ChecksumType></CompleteMultipartUploadResult>`;
    const objectHeaders = {
      'content-length': '9437184',
      etag: '"abc-2"',
      'content-type': 'image/png',
      'last-modified': 'Sun, 06 Dec 2026 12:00:00 GMT',
      'x-amz-meta-x-s3up-name': 'a.bin',
      'x-amz-checksum-crc32': 'AAAAAC==',
      'x-amz-checksum-type': 'FULL_OBJECT',
      'x-amz-storage-class': 'STANDARD_IA',
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-version-id': 'v1',
    };
    const cases: [(s: typeof full) => unknown, Record<string, string>, string, string[]][] = [
      [
        (s) => new s.ListPartsCommand({ ...at, UploadId: 'u1' }),
        {},
        listParts,
        ['Parts', 'IsTruncated', 'NextPartNumberMarker'],
      ],
      [(s) => new s.CreateMultipartUploadCommand(at), {}, created, ['UploadId']],
      [
        (s) =>
          new s.CompleteMultipartUploadCommand({ ...at, UploadId: 'u1', MultipartUpload: { Parts: [] } }),
        { 'x-amz-version-id': 'v1' },
        completed,
        ['ETag'],
      ],
      [
        (s) => new s.UploadPartCommand({ ...at, UploadId: 'u1', PartNumber: 1, Body: 'x' }),
        { etag: '"e1"', 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-server-side-encryption': 'AES256' },
        '',
        ['ETag', 'ChecksumCRC32'],
      ],
      [
        (s) => new s.HeadObjectCommand(at),
        objectHeaders,
        '',
        ['ContentLength', 'ETag', 'ChecksumCRC32', 'ChecksumType'],
      ],
      [
        (s) => new s.PutObjectCommand({ ...at, Body: 'x' }),
        { etag: '"e0"', 'x-amz-version-id': 'v1' },
        '',
        ['ETag'],
      ],
    ];
    for (const [make, headers, body, read] of cases) {
      const [a, b] = await Promise.all([
        outputFrom(full, make, headers, body),
        outputFrom(lean, make, headers, body),
      ]);
      // What the lean build reads is what the SDK reads; what it leaves out, the engine never reads.
      expect(b).toEqual(restrictedTo(a, b));
      for (const member of read) expect(b[member], member).toBeDefined();
    }
    const parts = (
      await outputFrom(lean, (s) => new s.ListPartsCommand({ ...at, UploadId: 'u1' }), {}, listParts)
    ).Parts as Record<string, unknown>[];
    expect(parts).toEqual([
      { PartNumber: 1, ETag: '"e1"', Size: 8388608, ChecksumCRC32: 'AAAAAA==' },
      { PartNumber: 2, ETag: '"e2"', Size: 1048576, ChecksumCRC32: 'AAAAAB==' },
    ]);
  });
});
