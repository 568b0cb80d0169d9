import { MiB } from '@s3up/testkit/random-file';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Uploader, type UploaderOptions } from '../../src/index.js';
import { FakeS3, TOKEN_URL } from './fake-s3.js';

/**
 * msw for one test file, with a fresh FakeS3 per test: `const wire = useFakeS3();` then
 * `const s3 = wire.reset()` at the start of each test.
 */
export function useFakeS3() {
  const server = setupServer();
  let current = new FakeS3();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return {
    reset(): FakeS3 {
      current = new FakeS3();
      server.resetHandlers(...current.handlers());
      return current;
    },
    get s3() {
      return current;
    },
  };
}

/** An uploader for the fake: 5 MiB parts, fast retries, no resume store unless given, no connectivity. */
export function testUploader(options: Partial<UploaderOptions> = {}): Uploader {
  return new Uploader({
    credentials: { url: TOKEN_URL },
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 1, maxDelay: 5 },
    resumeStore: null,
    network: null,
    ...options,
  });
}

export { nextEvent, settled } from './harness-events.js';
