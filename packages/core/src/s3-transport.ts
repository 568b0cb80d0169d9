import type { S3Client } from '@aws-sdk/client-s3';
import type { Credentials, CredentialsSource } from './credentials-source.js';
import { UploadError } from './errors.js';

/** Called with the bytes of the request body sent so far. */
export type ProgressListener = (loaded: number) => void;

// The structural slice of @smithy/types' HttpHandler the engine needs; importing the
// type package would add a dependency for four method signatures.
interface HttpRequestLike {
  body?: unknown;
  headers: Record<string, string>;
}
interface HttpHandlerLike {
  handle(request: HttpRequestLike, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  destroy?(): void;
}
interface XhrHandlerLike extends HttpHandlerLike {
  on(event: string, listener: (event: ProgressEvent, request: HttpRequestLike) => void): void;
}

type NodeStream = typeof import('node:stream');

const CHUNK = 64 * 1024;
type NodeProcess = { getBuiltinModule?: (id: string) => unknown };

/**
 * Wraps the SDK's HTTP handler to report upload progress per request. The request is
 * matched through the AbortSignal given to `client.send()`, which the SDK hands to the
 * handler untouched. In the browser the handler is XhrHttpHandler (fetch has no upload
 * progress); in Node a Blob body becomes a stream read chunk by chunk as the socket takes
 * it, so a part is never held in memory whole and its bytes are counted as they leave.
 */
class ProgressHttpHandler implements HttpHandlerLike {
  readonly #inner: HttpHandlerLike;
  readonly #stream: NodeStream | undefined;
  readonly #bySignal = new WeakMap<AbortSignal, ProgressListener>();
  readonly #byRequest = new Map<HttpRequestLike, ProgressListener>();

  constructor(inner: HttpHandlerLike, stream: NodeStream | undefined) {
    this.#inner = inner;
    this.#stream = stream;
    const xhr = inner as Partial<XhrHandlerLike>;
    if (typeof xhr.on === 'function') {
      xhr.on('xhr.upload.progress', (event, request) => this.#byRequest.get(request)?.(event.loaded));
    }
  }

  track(signal: AbortSignal, listener: ProgressListener): void {
    this.#bySignal.set(signal, listener);
  }

  async handle(request: HttpRequestLike, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const listener = options?.abortSignal ? this.#bySignal.get(options.abortSignal) : undefined;
    const body = request.body;
    let stream: import('node:stream').Readable | undefined;
    if (this.#stream && typeof Blob !== 'undefined' && body instanceof Blob) {
      stream = this.#nodeBody(body, listener);
      request.body = stream;
    }
    if (listener) this.#byRequest.set(request, listener);
    try {
      const handled = this.#inner.handle(request, options);
      // Handed to the browser (XhrHttpHandler opens and sends within this call once its
      // config is read): 0 bytes of the body are out so far. Node's body stream reports
      // its own reads, which may come first.
      if (!stream) listener?.(0);
      return answered(await handled, options?.abortSignal);
    } finally {
      this.#byRequest.delete(request);
      // An aborted or failed request leaves its body half read: let go of the file now, or
      // the reads go on (and keep a CLI alive after Ctrl-C) until the stream is collected.
      if (stream && !stream.readableEnded) stream.destroy();
    }
  }

  #nodeBody(blob: Blob, listener: ProgressListener | undefined): import('node:stream').Readable {
    const { Readable } = this.#stream!;
    let loaded = 0;
    let pending: Uint8Array | undefined;
    const reader = blob.stream().getReader();
    return new Readable({
      async read() {
        try {
          if (!pending || pending.length === 0) {
            const { done, value } = await reader.read();
            if (done) {
              this.push(null);
              return;
            }
            pending = value;
          }
          // In-memory Blobs yield the whole slice at once: hand it over in 64 KiB pieces so
          // the count follows the socket (small enough for smooth progress, large enough to be cheap).
          const chunk = pending.subarray(0, CHUNK);
          pending = pending.subarray(chunk.length);
          loaded += chunk.length;
          listener?.(loaded);
          this.push(chunk);
        } catch (error) {
          this.destroy(error as Error);
        }
      },
      destroy(error, callback) {
        reader.cancel().catch(() => {});
        callback(error);
      },
    });
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.#inner.updateHttpClientConfig?.(key, value);
  }

  httpHandlerConfigs(): unknown {
    return this.#inner.httpHandlerConfigs?.() ?? {};
  }

  destroy(): void {
    this.#inner.destroy?.();
  }
}

/**
 * Refuses a response with HTTP status 0: no server answered. XMLHttpRequest reports a
 * failed request (connection reset mid-body, network gone, CORS refusal) and an aborted
 * one as state DONE with status 0 *before* its `error`/`abort` event, and the SDK's
 * XhrHttpHandler resolves on that first signal. Passed on, such a non-answer reads as a
 * success with no headers: an UploadPart "without ETag" (a false `cors-etag` failure), or
 * an empty 200 for PutObject and CompleteMultipartUpload. It becomes an AbortError when
 * the request was aborted, else a network error the engine retries.
 */
function answered(result: unknown, signal: AbortSignal | undefined): unknown {
  const status = (result as { response?: { statusCode?: unknown } } | undefined)?.response?.statusCode;
  if (status !== 0) return result;
  if (signal?.aborted) {
    const abort = new Error('Request aborted');
    abort.name = 'AbortError';
    throw abort;
  }
  const error = new Error(
    'No answer from the server (XMLHttpRequest status 0): the connection was lost, the browser is offline, or CORS refused the request.',
  );
  error.name = 'NetworkingError';
  throw error;
}

let sdkModule: Promise<typeof import('./s3-sdk.js')> | undefined;

/** The SDK chunk, fetched once per page (a failed fetch is forgotten, so the next try fetches again). */
function loadSdk(): Promise<typeof import('./s3-sdk.js')> {
  sdkModule ??= import('./s3-sdk.js').catch((error: unknown) => {
    sdkModule = undefined;
    throw error;
  });
  return sdkModule;
}

let warmed: Promise<void> | undefined;

/** What S3 answers to CreateMultipartUpload, for the warm-up's handler. */
const WARM_CREATED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>warm-up</Bucket><Key>warm-up</Key><UploadId>warm-up</UploadId></InitiateMultipartUploadResult>';

/**
 * The warm-up's stand-in for the network: answers CreateMultipartUpload and UploadPart as S3
 * does (status, headers, a body stream, as XhrHttpHandler hands them over), and sends nothing.
 */
const warmUpHandler = {
  handle: async (request: { query?: Record<string, unknown> }) => {
    const created = request.query?.uploads !== undefined;
    return {
      response: {
        statusCode: 200,
        reason: 'OK',
        headers: created
          ? { 'content-type': 'application/xml' }
          : { etag: '"00000000000000000000000000000000"', 'content-length': '0' },
        body: new Blob(created ? [WARM_CREATED] : []).stream(),
      },
    };
  },
};

/**
 * Sends a CreateMultipartUpload and an UploadPart through a throwaway client whose handler
 * answers them itself: nothing leaves the page, but the SDK's request path (client set-up,
 * middleware stack, endpoint, serializers, SigV4) and its answer path (the body read, the
 * XML parser, the deserializers) have run once. Browsers compile a function when it is first
 * called, so without this the first upload paid for it between the pick and its first byte:
 * 60 to 100 ms of main-thread CPU on a loaded 2-core machine (issue 21's profile of the first
 * upload), against a bare uploader's 30 to 40 ms in all. The answer path was left out until
 * the probe showed Create's answer taking 3 to 5 ms to read on the first upload.
 */
async function warmUp(sdk: typeof import('./s3-sdk.js')): Promise<void> {
  const client = new sdk.S3Client({
    region: 'us-east-1',
    // Path style on a named endpoint, as the token server's answer configures the real client.
    endpoint: 'https://s3.warm-up.invalid',
    forcePathStyle: true,
    credentials: async () => ({
      accessKeyId: 'S3UPWARMUP',
      secretAccessKey: 'warm-up',
      sessionToken: 'warm-up',
    }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    expectContinueHeader: false,
    requestHandler: warmUpHandler as never,
  });
  const target = { Bucket: 'warm-up', Key: 'warm-up' };
  try {
    await client.send(new sdk.CreateMultipartUploadCommand(target)).catch(() => {});
    await client
      .send(
        new sdk.UploadPartCommand({
          ...target,
          UploadId: 'warm-up',
          PartNumber: 1,
          Body: new Blob([]),
          ContentLength: 0,
        }),
      )
      .catch(() => {});
  } finally {
    client.destroy();
  }
}

/**
 * Starts fetching the AWS SDK now, so the first upload does not wait for it: call it when
 * the page is idle after showing an upload control, or when the user points at, focuses or
 * drags onto it. Once loaded, the SDK's request path is run once without the network
 * (nothing is sent), so the first upload does not compile it either. Resolves when both are
 * done; never rejects (a failure shows on the upload, which fetches again).
 *
 * @example
 * requestIdleCallback(() => void preloadSdk());
 */
export function preloadSdk(): Promise<void> {
  return loadSdk().then(
    (sdk) => {
      warmed ??= warmUp(sdk).catch(() => {});
      return warmed;
    },
    () => {},
  );
}

/** An S3 client bound to one credentials source, with per-request progress. */
export interface S3Transport {
  client: S3Client;
  sdk: typeof import('./s3-sdk.js');
  /** Registers a progress listener for the request that will be sent with `signal`. */
  track(signal: AbortSignal, listener: ProgressListener): void;
}

/**
 * Loads the SDK (a dynamic import: a page that shows the element without uploading never
 * downloads it) and builds the client from what the credentials endpoint said: region,
 * endpoint, path style. Checksums are computed by the engine itself (CRC32 per part when
 * enabled), so the SDK is told to add none: its default CRC32 breaks Blob bodies and
 * S3-compatible servers.
 */
export async function createTransport(source: CredentialsSource, first: Credentials): Promise<S3Transport> {
  let sdk: typeof import('./s3-sdk.js');
  try {
    sdk = await loadSdk();
  } catch (cause) {
    // In a browser the SDK is a chunk fetched now: a failure here is the network (or a deploy
    // that removed the chunk), not a bug.
    throw new UploadError('network', 'Could not load the AWS SDK module; check the connection and retry.', {
      cause,
    });
  }
  const inBrowser = typeof XMLHttpRequest === 'function';
  const proc = (globalThis as { process?: NodeProcess }).process;
  const stream = !inBrowser ? (proc?.getBuiltinModule?.('node:stream') as NodeStream | undefined) : undefined;
  let inner: HttpHandlerLike | undefined;
  if (inBrowser) inner = new sdk.XhrHttpHandler({}) as unknown as HttpHandlerLike;
  const { response } = first;
  // SigV4 tolerates 15 minutes of clock skew: sign on the token server's clock, not a
  // browser clock that may be hours off (the offset is measured when the answer arrived).
  const systemClockOffset = response.serverTime ? Date.parse(response.serverTime) - first.receivedAt : 0;
  const client = new sdk.S3Client({
    systemClockOffset: Number.isFinite(systemClockOffset) ? systemClockOffset : 0,
    region: response.region,
    ...(response.endpoint ? { endpoint: response.endpoint } : {}),
    forcePathStyle: response.forcePathStyle ?? false,
    credentials: source.provider,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The engine retries per part itself (backoff, ExpiredToken refresh, offline waits).
    maxAttempts: 1,
    // 100-continue would hold each part for a round trip (and up to 6 s where the server
    // does not answer it); the engine's retry covers the rare early rejection.
    expectContinueHeader: false,
    ...(inner ? { requestHandler: inner as never } : {}),
  });
  // The SDK picks its default handler (NodeHttpHandler) at construction; wrap whichever it chose.
  const config = client.config as unknown as { requestHandler: HttpHandlerLike };
  const handler = new ProgressHttpHandler(config.requestHandler, stream);
  config.requestHandler = handler;
  return { client, sdk, track: (signal, listener) => handler.track(signal, listener) };
}
