// @ts-check
// Builds dist/s3-sdk.browser.js: src/s3-sdk.ts (the client and the eight commands an upload
// sends) with @aws-sdk/client-s3 and its dependencies bundled in and trimmed by the
// lean-sdk plugin (see lean-sdk.mjs for what it replaces and why). package.json's
// `browser` field maps dist/s3-sdk.js to it, so browser bundlers (esbuild, Vite, webpack,
// Rollup with node-resolve's browser option) ship the small SDK; Node keeps the full one.
// What only some pages need (the SHA-256 fallback where WebCrypto is missing, the fetch
// handler where XMLHttpRequest is) stays a dynamic import of a file beside it
// (dist/s3-sdk-<name>-<hash>.js), which the app's bundler makes a chunk of its own.
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { leanSdk } from './lean-sdk.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = process.argv[2] ?? join(root, 'dist', 's3-sdk.browser.js');
const outdir = dirname(outfile);
const chunkPrefix = 's3-sdk-';

// Chunks of an earlier build (their names carry a hash) would otherwise stay in dist.
for (const name of await readdir(outdir).catch(() => []))
  if (name.startsWith(chunkPrefix) && name.endsWith('.js')) await rm(join(outdir, name));

await build({
  entryPoints: { [basename(outfile, '.js')]: join(root, 'src', 's3-sdk.ts') },
  outdir,
  chunkNames: `${chunkPrefix}[name]-[hash]`,
  splitting: true,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['browser'],
  // Syntax only: names and whitespace stay for the app's own minifier and for debugging.
  minifySyntax: true,
  treeShaking: true,
  legalComments: 'eof',
  plugins: [leanSdk()],
  logLevel: 'warning',
});
