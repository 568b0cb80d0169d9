// What a server renderer gets for `#code-chunks` (package.json `imports`, the "node"
// condition): the same functions as code-chunks.ts without importing the engine, the file
// list or the AWS SDK, so a server bundle (Next.js's SSR build) never compiles them. On a
// server the element only renders its tag; it never loads them. Should something call
// them anyway (a test driving the element in Node with a DOM shim), they refuse with an
// error that says why, and fetchSdk does nothing.
import { S3UploadElementError } from './errors.js';

function browserOnly(what: string): Promise<never> {
  return Promise.reject(
    new S3UploadElementError(
      'engine',
      `<s3-upload> loads its ${what} only in a browser: this is @s3up/element's server build (the "node" export condition), which renders the element without the upload engine. Run uploads in a browser, or resolve the package with the "browser" condition (e.g. a jsdom test: resolve.conditions ['browser']).`,
    ),
  );
}

export function fetchSdk(): Promise<void> {
  return Promise.resolve();
}

export function importList(): Promise<typeof import('./upload-list.js')> {
  return browserOnly('file list');
}

export function importEngine(): Promise<typeof import('./engine-module.js')> {
  return browserOnly('upload engine');
}
