import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { leanSdk } from '../../packages/core/build/lean-sdk.mjs';
import { BenchError } from './bench-error.js';

const pagesDir = join(dirname(fileURLToPath(import.meta.url)), 'pages');

/** The browser contenders, each a page under src/pages/<name>.ts. */
export type PageName =
  | 'lib-storage'
  | 'uppy'
  | 's3up'
  | 'ceiling'
  | 's3up-fetched'
  | 'links-s3up'
  | 'links-uppy'
  | 'links-lib-storage'
  | 'checksums'
  | 'photos';

/**
 * s3up's page gets the SDK as @s3up/core ships it to browsers (its build bundles
 * `dist/s3-sdk.browser.js` with the lean-sdk plugin, and the package's `browser` field puts
 * it in place). From the workspace sources esbuild would bundle the full client-s3 instead:
 * the endpoint rule engine, the retry and checksum middleware, which no app using the
 * published package runs (the first-byte probe: 1 to 2 ms more on each request's path).
 * lib-storage's page keeps the full SDK: it is what lib-storage users ship. The links page
 * (`<s3-upload>` on slow links) ships the same way: what it loses at a reload is decided on
 * the wire, but its retries and errors should be the ones users run.
 */
const S3UP_PAGES: ReadonlySet<PageName> = new Set(['s3up', 'links-s3up']);

/**
 * Bundles one contender's page for Chromium the way an app would ship it: esbuild, ESM
 * with code splitting (so s3up's lazy chunks load lazily), workspace packages from their
 * sources, browser builds of the SDK. Each page is built alone so one contender that does
 * not build (a package still being written) does not take the others down.
 */
export async function bundlePage(name: PageName, outdir?: string): Promise<string> {
  const dir = outdir ?? (await mkdtemp(join(tmpdir(), `s3up-bench-${name}-`)));
  try {
    await build({
      entryPoints: { [name]: join(pagesDir, `${name}.ts`) },
      outdir: dir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      conditions: ['@s3up/source', 'browser'],
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: S3UP_PAGES.has(name) ? [leanSdk()] : [],
      logLevel: 'silent',
    });
  } catch (error) {
    throw new BenchError(
      'bundle',
      `the ${name} page does not bundle: ${(error as Error).message.slice(0, 500)}`,
      {
        cause: error,
      },
    );
  }
  return dir;
}
