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
 *   lines of on/emit the handler uses;
 * - middleware that does nothing for the client the engine builds -> nothing in the stack:
 *   Expect: 100-continue (the SDK adds it only where its runtime is "node"), region redirects
 *   (only with followRegionRedirects, which s3up never sets), S3 Express sessions and their
 *   signing (the static resolver refuses directory buckets), the logger (s3up passes the SDK
 *   no logger; its default logs nothing) and MD5 (only SSE-C customer keys use it, which
 *   s3up never sends). The stubs refuse the settings that would need them, with a message.
 *
 * core's build applies it to src/s3-sdk.ts to make dist/s3-sdk.browser.js, which the
 * package's `browser` field puts in place of dist/s3-sdk.js for browser bundles; the bench
 * and the CI size check apply it the same way to measure what the package ships.
 */

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

/**
 * Whole files of the SDK replaced by what they do for the client the engine builds (see the
 * list at the top). Each keeps the file's exports, which the SDK's index modules re-export.
 */
const FILE_STUBS = [
  {
    file: /middleware-expect-continue[\\/]middleware-expect-continue\.js$/,
    contents: `
// The SDK adds Expect: 100-continue only where config.runtime is "node"; this is the browser build.
export const addExpectContinueMiddleware = () => (next) => next;
export const addExpectContinueMiddlewareOptions = { step: 'build', tags: ['SET_EXPECT_HEADER', 'EXPECT_HEADER'], name: 'addExpectContinueMiddleware', override: true };
export const getAddExpectContinuePlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-region-redirect[\\/]region-redirect-middleware\.js$/,
    contents: `
const refuse = (config) => {
  if (config.followRegionRedirects)
    throw new Error('s3up: followRegionRedirects is not part of the browser upload build (the token server names the region)');
};
export const regionRedirectMiddleware = (config) => { refuse(config); return (next) => next; };
export const regionRedirectMiddlewareOptions = { step: 'initialize', tags: ['REGION_REDIRECT', 'S3'], name: 'regionRedirectMiddleware', override: true };
export const getRegionRedirectMiddlewarePlugin = (config) => ({ applyToStack: () => refuse(config) });
`,
  },
  {
    file: /middleware-s3-express[\\/]functions[\\/]s3ExpressMiddleware\.js$/,
    contents: `
// Directory buckets are refused by the static endpoint resolver, so no request needs a session.
export const s3ExpressMiddleware = () => (next) => next;
export const s3ExpressMiddlewareOptions = { name: 's3ExpressMiddleware', step: 'build', tags: ['S3', 'S3_EXPRESS'], override: true };
export const getS3ExpressPlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-s3-express[\\/]functions[\\/]s3ExpressHttpSigningMiddleware\.js$/,
    contents: `
// Leaves the standard signing middleware in place (this one replaces it to sign S3 Express sessions).
export { httpSigningMiddlewareOptions as s3ExpressHttpSigningMiddlewareOptions } from '@smithy/core';
export const s3ExpressHttpSigningMiddleware = () => {
  throw new Error('s3up: S3 Express signing is not part of the browser upload build');
};
export const getS3ExpressHttpSigningPlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-logger[\\/]loggerMiddleware\.js$/,
    contents: `
// s3up gives the SDK no logger, and the default one logs nothing.
export const loggerMiddleware = () => (next) => next;
export const loggerMiddlewareOptions = { name: 'loggerMiddleware', tags: ['LOGGER'], step: 'initialize', override: true };
export const getLoggerPlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-ssec[\\/]middleware-ssec\.js$/,
    contents: `
// SSE-C customer keys: s3up never sends them; a request that carries one is refused, not sent without its MD5.
export function ssecMiddleware() {
  return (next) => async (args) => {
    if (args.input?.SSECustomerKey || args.input?.CopySourceSSECustomerKey)
      throw new Error('s3up: SSE-C customer keys are not part of the browser upload build');
    return next(args);
  };
}
export const ssecMiddlewareOptions = { name: 'ssecMiddleware', step: 'initialize', tags: ['SSE'], override: true };
export const getSsecPlugin = (config) => ({
  applyToStack: (clientStack) => {
    clientStack.add(ssecMiddleware(config), ssecMiddlewareOptions);
  },
});
export const isValidBase64EncodedSSECustomerKey = () => false;
`,
  },
  {
    file: /signature-v4-multi-region[\\/]dist-es[\\/]SignatureV4MultiRegion\.js$/,
    contents: `
// SigV4a (signing region "*": multi-region access points, refused by the static resolver) needs
// @aws-sdk/signature-v4a, which s3up does not load: the SDK's class less its SigV4a branches.
import { SignatureV4SignWithCredentials } from './SignatureV4SignWithCredentials';
const noSigv4a = () => {
  throw new Error('s3up: SigV4a (multi-region access points) is not part of the browser upload build');
};
export class SignatureV4MultiRegion {
  sigv4Signer;
  signerOptions;
  static sigv4aDependency() {
    return 'none';
  }
  constructor(options) {
    this.sigv4Signer = new SignatureV4SignWithCredentials(options);
    this.signerOptions = options;
  }
  async sign(request, options = {}) {
    if (options.signingRegion === '*') noSigv4a();
    return this.sigv4Signer.sign(request, options);
  }
  async signWithCredentials(request, credentials, options = {}) {
    if (options.signingRegion === '*') noSigv4a();
    return this.sigv4Signer.signWithCredentials(request, credentials, options);
  }
  async presign(request, options = {}) {
    if (options.signingRegion === '*') noSigv4a();
    return this.sigv4Signer.presign(request, options);
  }
  async presignWithCredentials(request, credentials, options = {}) {
    if (options.signingRegion === '*') noSigv4a();
    return this.sigv4Signer.presignWithCredentials(request, credentials, options);
  }
  getSigv4aSigner() {
    noSigv4a();
  }
}
`,
  },
  {
    file: /checksum[\\/]md5[\\/]Md5Js\.js$/,
    contents: `
// Only SSE-C customer keys (SSECustomerKey) need MD5 here; s3up never sends them.
export class Md5Js {
  constructor() {
    throw new Error('s3up: MD5 (SSE-C customer keys) is not part of the browser upload build');
  }
}
`,
  },
];

const NAMESPACE = 's3up-lean-sdk';
const staticEndpoint = fileURLToPath(new URL('./static-endpoint.mjs', import.meta.url));

/**
 * @param {{ keepMiddleware?: boolean }} [options] keepMiddleware: leave FILE_STUBS' files as
 *   the SDK wrote them (the unit test compares the requests both builds send).
 * @returns {import('esbuild').Plugin}
 */
export function leanSdk(options = {}) {
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
      if (!options.keepMiddleware)
        for (const { file, contents } of FILE_STUBS)
          build.onLoad({ filter: file }, (args) => ({
            contents,
            loader: 'js',
            resolveDir: dirname(args.path),
          }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STUBS[/** @type {keyof typeof STUBS} */ (args.path)],
        loader: 'js',
      }));
    },
  };
}
