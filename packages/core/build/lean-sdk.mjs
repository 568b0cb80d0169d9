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
 *   s3up never sends). The stubs refuse the settings that would need them, with a message;
 * - S3's error classes -> not registered: errors keep their name, fields and message, and
 *   are S3ServiceException instances (withoutErrorClasses says why that is safe);
 * - SigV4a (the auth scheme provider's branches, its signer), the user agent's feature ids,
 *   and middleware or helpers for what no engine command has (Expires copy, ContentLength
 *   warning, bucketEndpoint, aws-chunked and streaming bodies, the log filter) -> the SDK's
 *   code for the one case left, nothing, or a refusal with a message;
 * - code only some pages run -> loaded when first needed: the JS SHA-256 (pages without
 *   WebCrypto) and FetchHttpHandler (no XMLHttpRequest: service workers); bowser (only an
 *   opt-in user agent the SDK exports loads it) -> a module that refuses.
 *
 * core's build applies it to src/s3-sdk.ts to make dist/s3-sdk.browser.js, which the
 * package's `browser` field puts in place of dist/s3-sdk.js for browser bundles; the bench
 * and the CI size check apply it the same way to measure what the package ships.
 */

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputMembersSent, MEMBERS_USED } from './sdk-members.mjs';

// The member table lives in sdk-members.mjs, which the test projects' guard reads too.
export { MEMBERS_USED };

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
  get 'event-streams-lazy'() {
    return this['event-streams'];
  },
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
  'fetch-http-handler': `
// The SDK's default handler where s3up passes none: the engine gives the client an
// XhrHttpHandler wherever XMLHttpRequest exists (fetch has no upload progress), so
// FetchHttpHandler serves only service workers; it is fetched on the first request there.
// The handler's module gets the two SDK helpers it imports from this chunk (see
// lazyFetchHttpHandler): importing them itself would split the SDK chunk in two.
import { HttpResponse, buildQueryString } from '@smithy/core/protocols';
import { streamCollector } from '@smithy/core/serde';
export { streamCollector };
let loading;
const load = () =>
  (loading ??= import('@smithy/fetch-http-handler/dist-es/fetch-http-handler.js').then(
    (module) => {
      module.provide({ HttpResponse, buildQueryString });
      return module;
    },
    (error) => {
      loading = undefined;
      throw error;
    },
  ));
export class FetchHttpHandler {
  static create(instanceOrOptions) {
    return typeof instanceOrOptions?.handle === 'function' ? instanceOrOptions : new FetchHttpHandler(instanceOrOptions);
  }
  #options;
  #updates = [];
  #handler;
  constructor(options) {
    this.#options = options;
  }
  async handle(request, options) {
    if (!this.#handler) {
      const { FetchHttpHandler: Handler } = await load();
      if (!this.#handler) {
        this.#handler = new Handler(this.#options);
        for (const [key, value] of this.#updates) this.#handler.updateHttpClientConfig(key, value);
      }
    }
    return this.#handler.handle(request, options);
  }
  updateHttpClientConfig(key, value) {
    if (this.#handler) this.#handler.updateHttpClientConfig(key, value);
    else this.#updates.push([key, value]);
  }
  httpHandlerConfigs() {
    if (this.#handler) return this.#handler.httpHandlerConfigs();
    return typeof this.#options === 'object' && this.#options && !this.#updates.length ? this.#options : {};
  }
  destroy() {
    this.#handler?.destroy();
  }
}
`,
  bowser: `
// Only createUserAgentStringParsingProvider (an opt-in user agent the SDK exports, which
// client-s3 does not use) loads bowser; left in, it is a 35 kB chunk no page fetches.
export const parse = () => {
  throw new Error('s3up: bowser (createUserAgentStringParsingProvider) is not part of the browser upload build');
};
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

/** Splits `a, [b, c], { d: e }` at its top-level commas (a member list of the schema module). */
/** @param {string} text */
function splitTop(text) {
  const parts = [];
  let depth = 0,
    start = 0,
    quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('[{('.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

/**
 * client-s3's schema module with the struct shapes of MEMBERS_USED reduced to those members
 * (a shape is `[3, n0, id, traits, [member ids], [member schemas], required count]`; the
 * required members come first, and all of them must be kept). Fails the build, naming the
 * shape, when the module's layout or a member changed. The members guard (the SSE-C stub's
 * middleware) refuses at run time an input member this build would not send.
 * @param {string} source
 * @param {Record<string, string[]>} [members]
 */
export function withMembersUsed(source, members = MEMBERS_USED) {
  const names = new Map();
  for (const [, name, value] of source.matchAll(/^const (_\w+) = "((?:[^"\\]|\\.)*)";$/gm))
    names.set(name, value);
  const seen = new Set();
  const out = source.replace(
    /^export var (\w+)\$ = \[3, n0, (\w+),\n {4}(.*),\n {4}\[(.*)\],\n {4}\[(.*)\](, \d+)?\n\];$/gm,
    (whole, shape, id, traits, memberList, schemaList, required) => {
      const keep = members[shape];
      if (!keep) return whole;
      seen.add(shape);
      const memberIds = splitTop(memberList);
      const schemas = splitTop(schemaList);
      if (memberIds.length !== schemas.length)
        throw new Error(`s3up lean-sdk: ${shape}: members and schemas differ in count`);
      const requiredCount = required ? Number(required.slice(2)) : 0;
      const kept = [];
      memberIds.forEach((m, i) => {
        const name = names.get(m);
        if (name === undefined)
          throw new Error(`s3up lean-sdk: ${shape}: member ${m} is not a string constant`);
        if (i < requiredCount && !keep.includes(name))
          throw new Error(`s3up lean-sdk: ${shape}: required member ${name} is not kept`);
        if (keep.includes(name)) kept.push([m, schemas[i], i < requiredCount]);
      });
      const missing = keep.filter((k) => !memberIds.some((m) => names.get(m) === k));
      if (missing.length) throw new Error(`s3up lean-sdk: ${shape} has no member ${missing.join(', ')}`);
      const req = kept.filter((k) => k[2]).length;
      return `export var ${shape}$ = [3, n0, ${id},\n    ${traits},\n    [${kept.map((k) => k[0]).join(', ')}],\n    [${kept.map((k) => k[1]).join(', ')}]${req ? `, ${req}` : ''}\n];`;
    },
  );
  const notFound = Object.keys(members).filter((s) => !seen.has(s));
  if (notFound.length)
    throw new Error(`s3up lean-sdk: no struct shape ${notFound.join(', ')} in schemas_0.js`);
  return out;
}

/**
 * FetchHttpHandler's module as the fetch-http-handler stub loads it: its one import (two
 * helpers from the SDK's protocols barrel, which the SDK chunk holds already) becomes a
 * `provide()` the stub calls, so the lazy chunk shares no module with the SDK chunk (a
 * shared module would become a third chunk that every upload fetches).
 * @param {string} source
 */
export function lazyFetchHttpHandler(source) {
  const line = 'import { HttpResponse, buildQueryString } from "@smithy/core/protocols";';
  if (!source.includes(line))
    throw new Error(
      's3up lean-sdk: fetch-http-handler.js no longer imports what lazyFetchHttpHandler expects; update it',
    );
  return source.replace(
    line,
    'let HttpResponse, buildQueryString;\nexport const provide = (helpers) => ({ HttpResponse, buildQueryString } = helpers);',
  );
}

/**
 * client-s3 registers a class for each of the 21 errors S3's model declares (AccessDenied,
 * NoSuchUpload, NotFound, BucketAlreadyExists...), so that a modeled error is thrown as an
 * instance of its class. An unregistered one is thrown as S3ServiceException with the same
 * `name` (the error code), message, `$fault`, `$metadata` and fields from the answer: only
 * the class differs. The engine reads `name`, and the classes of the copy of the SDK bundled
 * in this build are not an app's (an app's `instanceof NoSuchUpload` is false either way).
 * Unregistered, the classes and their schemas leave the build (about 1 kB gzip).
 * @param {string} source
 */
export function withoutErrorClasses(source) {
  const registration = /^n0_registry\.registerError\(\w+\$, \w+\);\n/gm;
  const imports = /^import \{[^}]*\} from "\.\.\/models\/errors";\n/m;
  if (!registration.test(source) || !imports.test(source))
    throw new Error(
      "s3up lean-sdk: schemas_0.js no longer registers S3's errors as expected; update withoutErrorClasses",
    );
  return source.replace(registration, '').replace(imports, '');
}

/**
 * The checksum barrel re-exports Sha256Js, which keeps it in every bundle that imports the
 * barrel (for Sha256 and Md5) even when nothing uses it; without the re-export it is only in
 * the chunk the Sha256WebCrypto stub fetches. An SDK module that imported it from the
 * barrel would fail the build (no such export), not ship without it.
 * @param {string} source
 */
export function withoutSha256JsExport(source) {
  const line = 'export { Sha256Js } from "./sha256/Sha256Js";';
  if (!source.includes(line))
    throw new Error(
      's3up lean-sdk: the checksum index no longer re-exports Sha256Js as expected; update withoutSha256JsExport',
    );
  return source.replace(line, '');
}

/**
 * Sha256Js is fetched on its own, when first needed (see the Sha256WebCrypto stub). Its one
 * import, toUint8Array from the SDK's serde barrel, would make the bundler move every serde
 * module both chunks reach into a third chunk that each upload then fetches; the same three
 * lines (the SDK's util-utf8/toUint8Array.browser.js) written into the module keep it alone.
 * @param {string} source
 */
export function selfContainedSha256Js(source) {
  const line = 'import { toUint8Array } from "@smithy/core/serde";';
  if (!source.includes(line))
    throw new Error(
      's3up lean-sdk: Sha256Js.js no longer imports toUint8Array as expected; update selfContainedSha256Js',
    );
  return source.replace(
    line,
    `const toUint8Array = (data) =>
  data instanceof Uint8Array ? data
  : typeof data === "string" ? new TextEncoder().encode(data)
  : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength / Uint8Array.BYTES_PER_ELEMENT)
  : new Uint8Array(data);`,
  );
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
// The members guard: the schemas of this build keep only the members the engine sends
// (withMembersUsed), so an input member outside them is refused here, not dropped unseen.
// Its errors are named: the engine stops on them as on a bug (fatal, "please report it")
// instead of retrying them as a lost connection, which an unnamed error before an answer looks like.
const SENT = ${JSON.stringify(inputMembersSent())};
const refused = (message) => Object.assign(new Error(message), { name: 'S3upBrowserBuildError' });
export function ssecMiddleware() {
  return (next, context) => async (args) => {
    if (args.input?.SSECustomerKey || args.input?.CopySourceSSECustomerKey)
      throw refused('s3up: SSE-C customer keys are not part of the browser upload build');
    const sent = SENT[context?.commandName];
    const other = Object.keys(args.input ?? {}).find((key) => args.input[key] !== undefined && !sent?.includes(key));
    if (other)
      throw refused(\`s3up: \${context?.commandName} with \${other} is not part of the browser upload build (its schemas keep the members the engine sends)\`);
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
    file: /checksum[\\/]sha256[\\/]Sha256WebCrypto\.js$/,
    contents: `
// The SDK's class, with its pure-JS fallback (Sha256Js, 3.3 kB) fetched when first needed
// instead of shipped with every upload: WebCrypto signs everywhere s3up runs except pages on
// plain http:// other than localhost (no crypto.subtle), and the fallback for inputs over
// 8 MiB never serves the engine (part bodies are Blobs, signed as UNSIGNED-PAYLOAD).
import { concatBytes, toUint8Array } from '@smithy/core/serde';
const { digest, sign, importKey } = globalThis?.crypto?.subtle ?? {};
const subtle =
  typeof digest === 'function' && typeof sign === 'function' && typeof importKey === 'function'
    ? globalThis.crypto.subtle
    : undefined;
const MAX_PENDING_BYTES = 8 * 1024 * 1024;
let Sha256Js;
let loading;
const loadSha256Js = () =>
  (loading ??= import('./Sha256Js').then(
    (module) => (Sha256Js = module.Sha256Js),
    (error) => {
      loading = undefined;
      throw error;
    },
  ));
// Fetched at once where it will serve every signature.
if (!subtle) loadSha256Js().catch(() => {});
export class Sha256WebCrypto {
  digestLength = 32;
  secret;
  pending = [];
  pendingBytes = 0;
  fallback;
  finished = false;
  constructor(secret) {
    if (secret) this.secret = toUint8Array(secret);
  }
  update(data) {
    if (this.finished) throw new Error('Attempted to update an already finished HMAC.');
    if (this.fallback) {
      this.fallback.update(data);
      return;
    }
    this.pending.push(data.slice());
    this.pendingBytes += data.byteLength;
    // The SDK switches here; until the fallback has arrived the input stays pending.
    if (this.pendingBytes >= MAX_PENDING_BYTES) {
      if (Sha256Js) this.switchToFallback();
      else loadSha256Js().catch(() => {});
    }
  }
  async digest() {
    if (!this.fallback && (!subtle || this.pendingBytes >= MAX_PENDING_BYTES)) {
      await loadSha256Js();
      if (!this.fallback) this.switchToFallback();
    }
    if (this.fallback) return this.fallback.digest();
    if (this.secret && this.finished) throw new Error('Attempted to digest an already finished HMAC.');
    const data = concatBytes(this.pending);
    if (this.secret) {
      this.finished = true;
      const key = await subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await subtle.sign('HMAC', key, data));
    }
    return new Uint8Array(await subtle.digest('SHA-256', data));
  }
  reset() {
    this.pending = [];
    this.pendingBytes = 0;
    this.fallback = undefined;
    this.finished = false;
  }
  switchToFallback() {
    const sha256Js = new Sha256Js(this.secret);
    for (const chunk of this.pending) sha256Js.update(chunk);
    this.fallback = sha256Js;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
`,
  },
  {
    file: /client-s3[\\/]dist-es[\\/]auth[\\/]httpAuthSchemeProvider\.js$/,
    contents: `
// The SDK's provider less its SigV4a branches: it turns the endpoint's auth schemes into
// signing options, and the static resolver answers one, SigV4 (multi-region access points,
// the only SigV4a endpoints, are refused there). The parameters and the SigV4 option are the
// SDK's own code.
import { resolveAwsSdkSigV4Config } from '@aws-sdk/core/httpAuthSchemes';
import { getSmithyContext, normalizeProvider } from '@smithy/core/client';
import { resolveParams } from '@smithy/core/endpoints';
import { defaultEndpointResolver } from '../endpoint/endpointResolver';
export const defaultS3HttpAuthSchemeParametersProvider = async (config, context, input) => {
  if (!input) throw new Error('Could not find \`input\` for \`defaultEndpointRuleSetHttpAuthSchemeParametersProvider\`');
  const defaultParameters = {
    operation: getSmithyContext(context).operation,
    region:
      (await normalizeProvider(config.region)()) ||
      (() => {
        throw new Error('expected \`region\` to be configured for \`aws.auth#sigv4\`');
      })(),
  };
  const instructionsFn = getSmithyContext(context)?.commandInstance?.constructor?.getEndpointParameterInstructions;
  if (!instructionsFn) throw new Error(\`getEndpointParameterInstructions() is not defined on '\${context.commandName}'\`);
  const endpointParameters = await resolveParams(input, { getEndpointParameterInstructions: instructionsFn }, config);
  return Object.assign(defaultParameters, endpointParameters);
};
export const defaultS3HttpAuthSchemeProvider = (authParameters) =>
  defaultEndpointResolver(authParameters).properties.authSchemes.map(({ name, properties = {}, ...rest }) => {
    if (name !== 'sigv4') throw new Error(\`s3up: the \${name} auth scheme is not part of the browser upload build\`);
    return {
      schemeId: 'aws.auth#sigv4',
      signingProperties: { name: 's3', region: authParameters.region, ...rest, ...properties },
      propertiesExtractor: (config, context) => ({ signingProperties: { config, context } }),
    };
  });
export const resolveHttpAuthSchemeConfig = (config) =>
  Object.assign(resolveAwsSdkSigV4Config(config), {
    authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
  });
`,
  },
  {
    file: /httpAuthSchemes[\\/]aws_sdk[\\/]AwsSdkSigV4ASigner\.js$/,
    contents: `
// Registered by client-s3 for SigV4a, which no option of this build selects (see the auth scheme provider stub).
export class AwsSdkSigV4ASigner {
  async sign() {
    throw new Error('s3up: SigV4a (multi-region access points) is not part of the browser upload build');
  }
}
`,
  },
  {
    file: /middleware-user-agent[\\/]user-agent-middleware\.js$/,
    contents: `
// The SDK's middleware less the feature metrics: x-amz-user-agent carries the same sections
// (SDK, OS, language, browser, API, app id, custom parts) without the trailing m/<feature ids>
// that checkFeatures derives from the client's configuration for AWS's telemetry. The
// user-agent prefix is set only by partition data the static resolver never loads.
import { HttpRequest } from '@smithy/core/protocols';
const X_AMZ_USER_AGENT = 'x-amz-user-agent';
const UA_NAME_ESCAPE_REGEX = /[^!$%&'*+\\-.^_\`|~\\w]/g;
const UA_VALUE_ESCAPE_REGEX = /[^!$%&'*+\\-.^_\`|~\\w#]/g;
export const userAgentMiddleware = (options) => (next, context) => async (args) => {
  const { request } = args;
  if (!HttpRequest.isInstance(request)) return next(args);
  const userAgent = context?.userAgent?.map(escapeUserAgent) || [];
  const defaultUserAgent = (await options.defaultUserAgentProvider()).map(escapeUserAgent);
  const customUserAgent = options?.customUserAgent?.map(escapeUserAgent) || [];
  const appId = await options.userAgentAppId();
  if (appId) defaultUserAgent.push(escapeUserAgent(['app', \`\${appId}\`]));
  request.headers[X_AMZ_USER_AGENT] = [...defaultUserAgent, ...userAgent, ...customUserAgent].join(' ');
  return next({ ...args, request });
};
const escapeUserAgent = (userAgentPair) => {
  const name = userAgentPair[0]
    .split('/')
    .map((part) => part.replace(UA_NAME_ESCAPE_REGEX, '-'))
    .join('/');
  const version = userAgentPair[1]?.replace(UA_VALUE_ESCAPE_REGEX, '-');
  const prefixSeparatorIndex = name.indexOf('/');
  const prefix = name.substring(0, prefixSeparatorIndex);
  let uaName = name.substring(prefixSeparatorIndex + 1);
  if (prefix === 'api') uaName = uaName.toLowerCase();
  return [prefix, uaName, version]
    .filter((item) => item && item.length > 0)
    .reduce((acc, item, index) => (index === 0 ? item : index === 1 ? \`\${acc}/\${item}\` : \`\${acc}#\${item}\`), '');
};
export const getUserAgentMiddlewareOptions = {
  name: 'getUserAgentMiddleware',
  step: 'build',
  priority: 'low',
  tags: ['SET_USER_AGENT', 'USER_AGENT'],
  override: true,
};
export const getUserAgentPlugin = (config) => ({
  applyToStack: (clientStack) => {
    clientStack.add(userAgentMiddleware(config), getUserAgentMiddlewareOptions);
  },
});
`,
  },
  {
    file: /middleware-s3-expires[\\/]s3-expires-middleware\.js$/,
    contents: `
// Copies a response's Expires header to ExpiresString and drops an unparsable one, for
// HeadObject's and GetObject's Expires members: the trimmed HeadObject output has neither
// (withMembersUsed), and no other answer the engine reads carries them.
export const s3ExpiresMiddleware = () => (next) => next;
export const s3ExpiresMiddlewareOptions = { tags: ['S3'], name: 's3ExpiresMiddleware', override: true, relation: 'after', toMiddleware: 'deserializerMiddleware' };
export const getS3ExpiresMiddlewarePlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-check-content-length-header[\\/]check-content-length-header\.js$/,
    contents: `
// Warns (through the SDK's logger) of a PutObject without ContentLength; the engine always sets it, and gives the SDK no logger.
export function checkContentLengthHeader() {
  return (next) => next;
}
export const checkContentLengthHeaderMiddlewareOptions = { step: 'finalizeRequest', tags: ['CHECK_CONTENT_LENGTH_HEADER'], name: 'getCheckContentLengthHeaderPlugin', override: true };
export const getCheckContentLengthHeaderPlugin = () => ({ applyToStack: () => {} });
`,
  },
  {
    file: /middleware-region-redirect[\\/]bucket-endpoint-middleware\.js$/,
    contents: `
// bucketEndpoint (a bucket given as a whole URL): s3up never sets it; refused rather than ignored.
export function bucketEndpointMiddleware(options) {
  return (next) => async (args) => {
    if (options.bucketEndpoint)
      throw new Error('s3up: bucketEndpoint is not part of the browser upload build (the token server names the endpoint)');
    return next(args);
  };
}
export const bucketEndpointMiddlewareOptions = { name: 'bucketEndpointMiddleware', override: true, relation: 'after', toMiddleware: 'endpointV2Middleware' };
`,
  },
  {
    file: /util-stream[\\/]getAwsChunkedEncodingStream\.browser\.js$/,
    contents: `
// aws-chunked bodies serve only the SDK's flexible checksums, which this build leaves out.
export const getAwsChunkedEncodingStream = () => {
  throw new Error('s3up: aws-chunked bodies (flexible checksums) are not part of the browser upload build');
};
`,
  },
  {
    file: /util-stream[\\/]sdk-stream-mixin\.browser\.js$/,
    contents: `
// Wraps a streaming answer body (GetObject's Body); no command the engine sends answers one.
export const sdkStreamMixin = () => {
  throw new Error('s3up: streaming answer bodies (GetObject) are not part of the browser upload build');
};
`,
  },
  {
    file: /smithy-client[\\/]schemaLogFilter\.js$/,
    contents: `
// What the SDK's logger would print of an input or output, with sensitive members masked;
// this build has no logger (s3up gives the SDK none), so nothing of either is ever printed.
export function schemaLogFilter() {
  return '***SensitiveInformation***';
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
 * @param {{ asWritten?: boolean }} [options] asWritten: leave the SDK's own code where the
 *   plugin would replace what it does or load it later (FILE_STUBS, the error classes, the
 *   lazy SHA-256 fallback and fetch handler); the unit test compares both builds' requests,
 *   answers and errors. The endpoint resolver, retries, checksums and event streams are
 *   replaced either way (the engine's client configuration turns them off).
 * @returns {import('esbuild').Plugin}
 */
export function leanSdk(options = {}) {
  return {
    name: 's3up-lean-sdk',
    setup(build) {
      const stub = (name, resolveDir) => ({
        path: name,
        namespace: NAMESPACE,
        ...(resolveDir ? { pluginData: { resolveDir } } : {}),
      });
      /** @param {RegExp} filter @param {(source: string) => string} rewrite */
      const rewrite = (filter, rewrite) =>
        build.onLoad({ filter }, async (args) => ({
          contents: rewrite(await readFile(args.path, 'utf8')),
          loader: /** @type {const} */ ('js'),
          resolveDir: dirname(args.path),
        }));
      build.onResolve({ filter: /^@aws-sdk\/checksums\/flexible-checksums$/ }, () =>
        stub('flexible-checksums'),
      );
      build.onResolve({ filter: /^@smithy\/core\/retry$/ }, () => stub('retry'));
      // A second copy for HttpProtocol's dynamic import: one module reached both ways would be
      // a chunk of its own, which every upload fetches for 100 bytes.
      build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
        stub(args.kind === 'dynamic-import' ? 'event-streams-lazy' : 'event-streams'),
      );
      build.onResolve({ filter: /^events$/ }, () => stub('events'));
      build.onResolve({ filter: /^bowser$/ }, () => stub('bowser'));
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
      rewrite(/util-endpoints[\\/]lib[\\/]aws[\\/]partitions\.js$/, awsPartitionOnly);
      rewrite(/client-s3[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/, (source) =>
        options.asWritten
          ? withLiteralKeys(source)
          : withMembersUsed(withoutErrorClasses(withLiteralKeys(source))),
      );
      if (!options.asWritten) {
        for (const { file, contents } of FILE_STUBS)
          build.onLoad({ filter: file }, (args) => ({
            contents,
            loader: 'js',
            resolveDir: dirname(args.path),
          }));
        // Loaded later, when first needed (see the stubs).
        rewrite(/submodules[\\/]checksum[\\/]index\.browser\.js$/, withoutSha256JsExport);
        rewrite(/checksum[\\/]sha256[\\/]Sha256Js\.js$/, selfContainedSha256Js);
        build.onResolve({ filter: /^@smithy\/fetch-http-handler$/ }, (args) =>
          /client-s3[\\/]dist-es[\\/]runtimeConfig\.browser\.js$/.test(args.importer)
            ? stub('fetch-http-handler', args.resolveDir)
            : undefined,
        );
        rewrite(/fetch-http-handler[\\/]dist-es[\\/]fetch-http-handler\.js$/, lazyFetchHttpHandler);
      }
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STUBS[/** @type {keyof typeof STUBS} */ (args.path)],
        loader: 'js',
        ...(args.pluginData?.resolveDir ? { resolveDir: args.pluginData.resolveDir } : {}),
      }));
    },
  };
}
