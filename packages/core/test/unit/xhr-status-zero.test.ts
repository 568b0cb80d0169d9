// The browser transport (the SDK's XhrHttpHandler) against an XMLHttpRequest that behaves
// as the spec says: a failed or aborted request turns DONE with status 0 and fires
// `readystatechange` *before* its `error`/`abort` event. XhrHttpHandler resolves on that
// first signal, so without a check a dropped connection reads as an empty success
// (adversarial case 16, finding F7: "UploadPart 2 … succeeded but its ETag was not readable").
import { CompleteMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Credentials, CredentialsSource } from '../../src/credentials-source.js';
import { classify, isAbort } from '../../src/failure.js';
import { createTransport } from '../../src/s3-transport.js';

type Outcome = 'reset' | 'ok' | 'hang';

/** A spec-shaped XMLHttpRequest: what each request does is set by `FakeXhr.outcome`. */
class FakeXhr extends EventTarget {
  static readonly UNSENT = 0;
  static readonly OPENED = 1;
  static readonly HEADERS_RECEIVED = 2;
  static readonly LOADING = 3;
  static readonly DONE = 4;
  static outcome: Outcome = 'ok';
  static sent = 0;
  readonly upload = new EventTarget();
  readyState = 0;
  status = 0;
  responseType = '';
  responseText = '';
  #headers = '';

  open(): void {
    this.readyState = FakeXhr.OPENED;
  }
  setRequestHeader(): void {}
  getAllResponseHeaders(): string {
    return this.#headers;
  }
  send(): void {
    FakeXhr.sent += 1;
    const outcome = FakeXhr.outcome;
    setTimeout(() => {
      if (this.readyState === FakeXhr.DONE) return; // aborted meanwhile
      this.upload.dispatchEvent(Object.assign(new Event('progress'), { loaded: 1024, total: 4096 }));
      if (outcome === 'hang') return;
      if (outcome === 'reset') return this.#fail('error');
      this.status = 200;
      this.#headers = 'etag: "abc"\r\ncontent-type: application/xml';
      this.responseText =
        '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Key>k</Key><ETag>"x-1"</ETag></CompleteMultipartUploadResult>';
      this.readyState = FakeXhr.DONE;
      this.dispatchEvent(new Event('readystatechange'));
      this.dispatchEvent(new Event('load'));
    }, 5);
  }
  abort(): void {
    this.#fail('abort');
  }
  // The spec's "request error steps": state DONE, readystatechange, then the upload's and the request's event.
  #fail(type: 'error' | 'abort'): void {
    this.readyState = FakeXhr.DONE;
    this.status = 0;
    this.dispatchEvent(new Event('readystatechange'));
    this.upload.dispatchEvent(new Event(type));
    this.dispatchEvent(new Event(type));
  }
}

async function browserTransport() {
  const identity = {
    accessKeyId: 'AKIAEXAMPLE',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiration: new Date(Date.now() + 3600_000),
  };
  const first = {
    identity,
    response: {
      ...identity,
      expiration: identity.expiration.toISOString(),
      bucket: 'b',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      prefix: 'users/a/',
    },
    expiresAt: identity.expiration.getTime(),
    receivedAt: Date.now(),
  } satisfies Credentials;
  const source = { provider: async () => identity } as unknown as CredentialsSource;
  return createTransport(source, first);
}

const part = () =>
  new UploadPartCommand({
    Bucket: 'b',
    Key: 'users/a/f.bin',
    UploadId: 'u1',
    PartNumber: 2,
    Body: new Blob([new Uint8Array(4096)]),
    ContentLength: 4096,
  });

beforeEach(() => {
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  FakeXhr.sent = 0;
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a browser request that got no answer (XMLHttpRequest status 0)', () => {
  it('control: a real answer still resolves, with its ETag', async () => {
    FakeXhr.outcome = 'ok';
    const { client } = await browserTransport();
    const out = await client.send(part());
    expect(out.ETag).toBe('"abc"');
  });

  it.each([
    ['UploadPart', part],
    ['PutObject', () => new PutObjectCommand({ Bucket: 'b', Key: 'users/a/f.bin', Body: 'x' })],
    [
      'CompleteMultipartUpload',
      () =>
        new CompleteMultipartUploadCommand({
          Bucket: 'b',
          Key: 'users/a/f.bin',
          UploadId: 'u1',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
        }),
    ],
  ] as const)(
    '%s cut mid-body rejects with a network error the engine retries, never an empty success',
    async (name, command) => {
      FakeXhr.outcome = 'reset';
      const { client } = await browserTransport();
      const error = await client.send(command() as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${name} resolved as a success`).toBeInstanceOf(Error);
      expect(isAbort(error)).toBe(false);
      const failure = classify(error, name, 'users/a/f.bin');
      expect(failure.action).toBe('retry');
      expect(failure.error.code).toBe('network');
      expect(FakeXhr.sent).toBe(1);
    },
  );

  it('an aborted request (pause, cancel) rejects as an abort, not as a network failure', async () => {
    FakeXhr.outcome = 'hang';
    const { client } = await browserTransport();
    const controller = new AbortController();
    const sent = client.send(part(), { abortSignal: controller.signal });
    await vi.waitFor(() => expect(FakeXhr.sent).toBe(1));
    controller.abort();
    const error = await sent.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbort(error)).toBe(true);
  });
});
