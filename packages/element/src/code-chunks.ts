// The element's code-split imports, in one module that package.json's `imports` swaps by
// export condition (`#code-chunks`): a browser gets this one, a server renderer ("node")
// gets code-chunks.server.ts, which imports none of them. A bundler follows every
// `import()` it sees, so without the swap the server build of a Next.js app compiles the
// engine and the AWS SDK (800+ modules) for a render that never uploads.
export { fetchSdk } from '@s3up/core/sdk-fetch';

/** The file list's code (upload-list.ts), loaded after the first render (list-loader.ts). */
export function importList(): Promise<typeof import('./upload-list.js')> {
  return import('./upload-list.js');
}

/** The engine's code (engine-module.ts), loaded after the first render (engine-loader.ts). */
export function importEngine(): Promise<typeof import('./engine-module.js')> {
  return import('./engine-module.js');
}
