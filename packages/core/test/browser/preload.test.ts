// preloadSdk() (issue 21): the element calls it when the page is idle, so the first upload
// neither fetches the SDK nor compiles its request path after the user's pick. The warm-up
// runs a CreateMultipartUpload and an UploadPart through a client whose handler refuses
// them: nothing may leave the page, and an upload afterwards must work as usual.
import { expect, it } from 'vitest';
import { preloadSdk } from '../../src/index.js';

/** Resource timing entries of requests that left this page's origin. */
function offOrigin(entries: PerformanceEntryList): string[] {
  return entries
    .map((entry) => entry.name)
    .filter((name) => new URL(name, location.href).origin !== location.origin);
}

it('loads the SDK and runs its request path once, sending nothing', async () => {
  const before = performance.getEntriesByType('resource').length;
  const xhrOpened: string[] = [];
  const fetched: string[] = [];
  const open = XMLHttpRequest.prototype.open;
  const fetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    fetched.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    xhrOpened.push(String(args[1]));
    return (open as (...a: unknown[]) => void).apply(this, args);
  } as typeof open;
  try {
    await preloadSdk();
    // A second call shares the first's work and resolves too.
    await preloadSdk();
  } finally {
    XMLHttpRequest.prototype.open = open;
    globalThis.fetch = fetch;
  }
  const after = performance.getEntriesByType('resource').slice(before);
  expect(offOrigin(after)).toEqual([]);
  expect(xhrOpened).toEqual([]);
  expect(fetched.filter((url) => new URL(url, location.href).origin !== location.origin)).toEqual([]);
  // The SDK module itself was fetched (or was already there from an earlier test file).
  expect(performance.getEntriesByType('resource').some((entry) => /client-s3|s3-sdk/.test(entry.name))).toBe(
    true,
  );
});
