import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '@s3up/testkit';
import type {} from '@s3up/testkit/global-setup';
import type { Plugin } from 'esbuild';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../../src/browser-session.js';
import { bundle, s3upLoadSets } from '../../src/bundle-measure.js';
import { bundlePage } from '../../src/page-bundle.js';
import { startPageServer } from '../../src/page-server.js';
import { assumeBenchRole, credentialsResponse } from '../../src/temporary-credentials.js';
import { MiB, testFile } from '../../src/test-file.js';

const local = inject('localS3');
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
});

/** What the `browser` field of @s3up/core does for a bundler: its SDK module becomes the built browser SDK. */
function builtBrowserSdk(file: string): Plugin {
  return {
    name: 'built-browser-sdk',
    setup(build) {
      build.onResolve({ filter: /\/s3-sdk\.js$/ }, (args) =>
        args.importer.includes('packages/core/src/') ? { path: file } : undefined,
      );
    },
  };
}

// Issue 21: @s3up/core ships a trimmed SDK for browsers (dist/s3-sdk.browser.js, made by its
// build with build/lean-sdk.mjs). This builds it with the package's own build script and
// makes a real two-part upload with it in Chromium against the local RGW.
describe("@s3up/core's built browser SDK", () => {
  it('uploads a two-part file through <s3-upload> in Chromium, and leaves the rule engine, retries and event streams out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3up-browser-sdk-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const sdkFile = join(dir, 's3-sdk.browser.js');
    await promisify(execFile)(process.execPath, [
      join(root, 'packages/core/build/build-browser-sdk.mjs'),
      sdkFile,
    ]);

    const elementDir = join(dir, 'element');
    const element = await bundle('s3up-element', elementDir, [builtBrowserSdk(sdkFile)]);
    const shipped = s3upLoadSets(element).firstUpload.flatMap((o) => o.inputs);
    expect(shipped.some((i) => i.endsWith('s3-sdk.browser.js'))).toBe(true);
    for (const dropped of [
      'endpoint/bdd.js',
      'submodules/retry/',
      'submodules/event-streams/',
      'flexible-checksums/',
    ])
      expect(shipped.filter((i) => i.includes(dropped))).toEqual([]);
    // Shapes of operations an upload never sends, the region list of the partition table and
    // the S3 Express session cache and signing and the region redirects are dropped too
    // (lean-sdk.mjs says how).
    const sdkCode = await readFile(sdkFile, 'utf8');
    for (const unused of [
      'LifecycleRule',
      'ReplicationConfiguration',
      'SelectObjectContent',
      'af-south-1',
      'S3ExpressIdentityCache',
      'signS3Express',
      'Region redirect failed',
    ])
      expect(sdkCode, unused).not.toContain(unused);
    for (const used of ['UploadPartOutput', 'S3ServiceException', 'x-amz-checksum-crc32'])
      expect(sdkCode, used).toContain(used);
    // S3's 21 error classes are not registered (errors keep their name; the class is
    // S3ServiceException), and the JS SHA-256 and the fetch handler are files beside the SDK's,
    // imported only where WebCrypto or XMLHttpRequest is missing: a first upload loads neither.
    for (const unused of ['class NoSuchUpload', 'MAX_HASHABLE_LENGTH', 'keepAliveSupport'])
      expect(sdkCode, unused).not.toContain(unused);
    const besides = (await readdir(dir)).filter((f) => f.startsWith('s3-sdk-')).sort();
    expect(besides.map((f) => f.replace(/-[A-Z0-9]{8}\.js$/, ''))).toEqual([
      's3-sdk-Sha256Js',
      's3-sdk-bowser',
      's3-sdk-event-streams-lazy',
      's3-sdk-fetch-http-handler',
    ]);
    expect(shipped.filter((i) => /s3-sdk-(Sha256Js|fetch-http-handler)/.test(i))).toEqual([]);

    const driverDir = await bundlePage('s3up-fetched');
    cleanup.push(() => rm(driverDir, { recursive: true, force: true }));
    const server = await startPageServer({});
    cleanup.push(() => server.close());
    server.addPage('built', elementDir, [`/${basename(element.entry.path)}`, '/s3up-fetched.js']);
    server.addPage('driver', driverDir, []);
    const credentials = await assumeBenchRole(local);
    server.credentials = async () => credentialsResponse(local, credentials);

    const browser = await BrowserSession.launch();
    cleanup.push(() => browser.close());
    const size = 9 * MiB;
    const key = `users/bench/browser-sdk-${Date.now()}.bin`;
    const { result } = await browser.upload({
      pageUrl: server.pageUrl('built'),
      filePath: await testFile(dir, size),
      key,
      partSize: 8 * MiB,
      concurrency: 6,
      timeoutMs: 50_000,
    });
    expect(result.bytes).toBe(size);
    const owner = s3Client(local, local.service);
    cleanup.push(async () => owner.destroy());
    const head = await owner.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }));
    expect(head.ContentLength).toBe(size);
  });
});
