// @ts-check
/**
 * An esbuild plugin that builds @aws-sdk/client-s3 for what a browser upload uses, through
 * module replacements the SDK's own structure allows (its client wires each of these in
 * from one module, so replacing the module drops the feature and everything only it needs):
 *
 * - the endpoint rule engine (a 30 kB decision diagram) -> a static resolver: the endpoint
 *   is known (the token server's answer, or s3.<region>.amazonaws.com); FIPS, dual-stack,
 *   accelerate, access points and S3 Express are refused with a message instead;
 * - flexible checksums -> nothing: the engine computes and sends its own part checksums
 *   (x-amz-checksum-crc32) and asks the SDK for none (requestChecksumCalculation
 *   WHEN_REQUIRED; none of the eight commands it sends requires one);
 * - the retry middleware -> nothing: the engine retries each request itself (maxAttempts 1);
 * - event streams -> nothing: no upload command streams events (SelectObjectContent does);
 * - the `events` polyfill (Node's EventEmitter, pulled in by XhrHttpHandler) -> the few
 *   lines of on/emit the handler uses.
 *
 * core's build applies it to src/s3-sdk.ts to make dist/s3-sdk.browser.js, which the
 * package's `browser` field puts in place of dist/s3-sdk.js for browser bundles; the bench
 * and the CI size check apply it the same way to measure what the package ships.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const STUBS = {
  'flexible-checksums': `
const provider = (value) => (typeof value === 'function' ? value : () => Promise.resolve(value));
export const resolveFlexibleChecksumsConfig = (config) => ({
  ...config,
  requestChecksumCalculation: provider(config.requestChecksumCalculation ?? 'WHEN_REQUIRED'),
  responseChecksumValidation: provider(config.responseChecksumValidation ?? 'WHEN_REQUIRED'),
  requestStreamBufferSize: Number(config.requestStreamBufferSize ?? 0),
});
export const getFlexibleChecksumsPlugin = () => ({ applyToStack: () => {} });
`,
  retry: `
export const DEFAULT_MAX_ATTEMPTS = 1;
export const DEFAULT_RETRY_MODE = 'standard';
export const RETRY_MODES = { STANDARD: 'standard', ADAPTIVE: 'adaptive' };
const noRetry = {
  mode: 'standard',
  acquireInitialRetryToken: async () => ({ getRetryCount: () => 0, getRetryDelay: () => 0 }),
  refreshRetryTokenForRetry: async () => { throw new Error('s3up: the engine retries requests itself'); },
  recordSuccess: () => {},
};
export const resolveRetryConfig = (config) => ({
  ...config,
  maxAttempts: async () => 1,
  retryStrategy: async () => noRetry,
});
// A pass-through in the retry middleware's place: the signing middleware is positioned after it.
export const getRetryPlugin = () => ({
  applyToStack: (stack) => {
    stack.add((next) => (args) => next(args), {
      name: 'retryMiddleware',
      tags: ['RETRY'],
      step: 'finalizeRequest',
      priority: 'high',
      override: true,
    });
  },
});
`,
  'event-streams': `
export const resolveEventStreamSerdeConfig = (config) => config;
export const eventStreamSerdeProvider = () => {
  throw new Error('s3up: event streams are not part of the browser upload build');
};
`,
  events: `
export class EventEmitter {
  #listeners = new Map();
  on(event, listener) {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return this;
  }
  addListener(event, listener) { return this.on(event, listener); }
  off(event, listener) {
    const list = this.#listeners.get(event);
    if (list) this.#listeners.set(event, list.filter((l) => l !== listener));
    return this;
  }
  removeListener(event, listener) { return this.off(event, listener); }
  emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list?.length) return false;
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }
}
export default { EventEmitter };
`,
  sha1: `
export class Sha1 {
  constructor() {
    throw new Error('s3up: SHA-1 checksums are not part of the browser upload build');
  }
}
`,
  's3-express-identity': `
export class S3ExpressIdentityProviderImpl {
  async getS3ExpressIdentity() {
    throw new Error('s3up: S3 Express directory buckets need the full SDK (import @s3up/core from its node build)');
  }
}
`,
};

/**
 * client-s3's schemas module declares every shape of every S3 operation as an array whose
 * trait objects use computed keys naming module constants (`{ [_hH]: "x-amz-acl" }`). A
 * bundler cannot prove a computed key free of side effects (it could call a `toString`),
 * so it keeps every shape and every name constant: about 66 kB minified of shapes for
 * operations a browser upload never sends. Writing each key as the string constant it
 * names (`{ "httpHeader": "x-amz-acl" }`) changes nothing at run time and lets the bundler
 * drop the shapes no imported command reaches.
 * @param {string} source
 */
export function withLiteralKeys(source) {
  /** @type {Map<string, string>} */
  const names = new Map();
  for (const [, name, value] of source.matchAll(/^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm))
    names.set(name, value);
  return source.replace(/\[(_\w+)\]:/g, (_whole, name) => {
    const value = names.get(name);
    if (value === undefined)
      throw new Error(
        `s3up lean-sdk: schemas_0.js uses a computed key ${name} that is not a string constant; update withLiteralKeys`,
      );
    return `${value}:`;
  });
}

/**
 * The SDK's partition table (every region of every AWS partition, 4.7 kB minified) serves
 * the endpoint rule engine's `aws.partition` function, which registers itself when the SDK
 * loads. The static resolver never calls it, so the table keeps only the `aws` partition's
 * outputs and region pattern (taken from the SDK's own table) without the region list.
 * @param {string} source
 */
export function awsPartitionOnly(source) {
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const info = JSON.parse(json);
  const aws = info.partitions.find((/** @type {{ id: string }} */ p) => p.id === 'aws');
  if (!aws)
    throw new Error(
      "s3up lean-sdk: the SDK's partitions table has no 'aws' partition; update awsPartitionOnly",
    );
  return `export const partitionsInfo = ${JSON.stringify({ ...info, partitions: [{ ...aws, regions: {} }] })};\n`;
}

const NAMESPACE = 's3up-lean-sdk';
const staticEndpoint = fileURLToPath(new URL('./static-endpoint.mjs', import.meta.url));

/** @returns {import('esbuild').Plugin} */
export function leanSdk() {
  return {
    name: 's3up-lean-sdk',
    setup(build) {
      const stub = (name) => ({ path: name, namespace: NAMESPACE });
      build.onResolve({ filter: /^@aws-sdk\/checksums\/flexible-checksums$/ }, () =>
        stub('flexible-checksums'),
      );
      build.onResolve({ filter: /^@smithy\/core\/retry$/ }, () => stub('retry'));
      build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => stub('event-streams'));
      build.onResolve({ filter: /^events$/ }, () => stub('events'));
      build.onResolve({ filter: /\/endpoint\/endpointResolver(\.js)?$/ }, (args) =>
        args.importer.includes('client-s3') ? { path: staticEndpoint } : undefined,
      );
      build.onResolve({ filter: /^@aws-sdk\/checksums\/sha$/ }, () => stub('sha1'));
      build.onResolve({ filter: /\/S3ExpressIdentityProviderImpl(\.js)?$/ }, () =>
        stub('s3-express-identity'),
      );
      build.onLoad({ filter: /client-s3[\\/]package\.json$/ }, async (args) => ({
        contents: JSON.stringify({ version: JSON.parse(await readFile(args.path, 'utf8')).version }),
        loader: 'json',
      }));
      build.onLoad({ filter: /util-endpoints[\\/]lib[\\/]aws[\\/]partitions\.js$/ }, async (args) => ({
        contents: awsPartitionOnly(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
      build.onLoad({ filter: /client-s3[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, async (args) => ({
        contents: withLiteralKeys(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STUBS[/** @type {keyof typeof STUBS} */ (args.path)],
        loader: 'js',
      }));
    },
  };
}
