import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { leanSdk } from '../../packages/core/build/lean-sdk.mjs';
import { BenchError } from './bench-error.js';

const entriesDir = join(dirname(fileURLToPath(import.meta.url)), 'bundle-entries');

/** Sizes of one bundle, in bytes: minified, and each file compressed on its own (as served). */
export interface BundleSize {
  name: string;
  files: number;
  minified: number;
  gzip: number;
  brotli: number;
}

/** One output file of a bundle, with what esbuild says about it. */
export interface Output {
  path: string;
  bytes: Buffer;
  imports: { path: string; kind: string }[];
  inputs: string[];
  /** Minified bytes each source file contributes. */
  inputBytes: Record<string, number>;
  /** The source file this chunk is the entry of (an entry point or a dynamic import's target). */
  entryPoint?: string;
}

export interface Bundle {
  outputs: Output[];
  entry: Output;
  metafile: Metafile;
}

/**
 * Bundles `bundle-entries/<entry>.ts` as an app would ship it: esbuild, ESM, minified, code
 * splitting, browser conditions, workspace packages from their sources.
 */
export async function bundle(entry: string, outdir: string, plugins: Plugin[] = []): Promise<Bundle> {
  let metafile: Metafile;
  try {
    ({ metafile } = await build({
      entryPoints: [join(entriesDir, `${entry}.ts`)],
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@s3up/source', 'browser'],
      minify: true,
      metafile: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
      plugins,
    }));
  } catch (error) {
    throw new BenchError('bundle', `${entry} does not bundle: ${(error as Error).message.slice(0, 400)}`, {
      cause: error,
    });
  }
  const outputs: Output[] = [];
  for (const [path, out] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('.js')) continue;
    outputs.push({
      // esbuild's metafile paths are relative to the working directory.
      path: resolve(path),
      bytes: await readFile(path),
      imports: out.imports.map((i) => ({ path: i.external ? i.path : resolve(i.path), kind: i.kind })),
      inputs: Object.keys(out.inputs),
      inputBytes: Object.fromEntries(Object.entries(out.inputs).map(([k, v]) => [k, v.bytesInOutput])),
      ...(out.entryPoint ? { entryPoint: out.entryPoint } : {}),
    });
  }
  const main = outputs.find((o) => o.entryPoint?.includes('bundle-entries/'));
  if (!main) throw new BenchError('bundle', `${entry}: esbuild reported no entry output`);
  return { outputs, entry: main, metafile };
}

/**
 * `<s3-upload>` as the published packages ship it to a browser bundler: @s3up/core's build
 * replaces its SDK module with dist/s3-sdk.browser.js, made by its lean-sdk esbuild plugin;
 * applying the same plugin here measures the same code from the workspace sources.
 */
export function bundleS3upElement(outdir: string): Promise<Bundle> {
  return bundle('s3up-element', outdir, [leanSdk()]);
}

/** gzip -9 and brotli 11 of each file on its own (as a server sends it), summed. */
export function measure(
  name: string,
  files: readonly Output[],
  options: { brotli?: boolean } = {},
): BundleSize {
  let gzip = 0;
  let brotli = 0;
  let minified = 0;
  for (const file of files) {
    minified += file.bytes.length;
    gzip += gzipSync(file.bytes, { level: 9 }).length;
    if (options.brotli !== false)
      brotli += brotliCompressSync(file.bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: file.bytes.length,
        },
      }).length;
  }
  return { name, files: files.length, minified, gzip, brotli };
}

/** The chunks `from` imports statically, transitively, `from` included: what loads with it. */
export function staticClosure(from: readonly Output[], all: readonly Output[]): Output[] {
  const byPath = new Map(all.map((o) => [o.path, o]));
  const seen = new Set<Output>(from);
  const queue = [...from];
  while (queue.length) {
    for (const i of queue.shift()!.imports) {
      const target = byPath.get(i.path);
      if (i.kind === 'import-statement' && target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

// The lean-sdk plugin's stand-ins for SDK modules (namespace s3up-lean-sdk) and core's built
// browser SDK (dist/s3-sdk.browser.js) are the SDK's code, not s3up's: the SHA-256 fallback and
// fetch handler they import lazily serve only where WebCrypto or XMLHttpRequest is missing.
const isOwnSource = (input: string) =>
  !input.includes('node_modules/') &&
  !input.startsWith('s3up-lean-sdk:') &&
  !input.endsWith('s3-sdk.browser.js');
// The element's translations (element/src/messages/<lang>.ts); English, the catalogue types,
// the locale table and the texts are static imports of the element.
const isLocale = (input: string) =>
  /element\/src\/messages\/(?!en\.|catalog\.|locales\.|texts\.|element-messages\.)[\w-]+\.ts$/.test(input);
// core's image step (core/src/image/: location removal, resize, thumbnails) loads with the
// first image only, never for other files, so it is not part of a first upload's load.
const isImageStep = (input: string) => /core\/src\/image\//.test(input);

/**
 * What a browser fetches to render `<s3-upload>`, and what it has fetched once the first
 * upload has started, from esbuild's metafile alone (no browser: this runs in CI):
 *
 * - render: the entry chunk and its static imports;
 * - first upload: plus every chunk that s3up's own code imports dynamically (the SDK, idb),
 *   and their static imports. Dynamic imports made inside dependencies (the SDK's bowser
 *   and event-stream chunks, and the SHA-256 fallback and fetch handler that the lean-sdk
 *   build loads only where WebCrypto or XMLHttpRequest is missing) are not followed: no browser upload runs them, and Chromium
 *   was seen not to fetch them (the bench's bundle-size benchmark records what it fetches
 *   and reports any difference). Locale chunks are left out too: an English page never
 *   fetches them.
 */
export function s3upLoadSets(element: Bundle): { render: Output[]; firstUpload: Output[]; lazy: Output[] } {
  const render = staticClosure([element.entry], element.outputs);
  const lazyTargets = new Set<string>();
  for (const [input, info] of Object.entries(element.metafile.inputs)) {
    if (!isOwnSource(input)) continue;
    for (const i of info.imports)
      if (i.kind === 'dynamic-import' && !isLocale(i.path) && !isImageStep(i.path) && !i.external)
        lazyTargets.add(i.path);
  }
  const lazyEntries = element.outputs.filter((o) => o.entryPoint && lazyTargets.has(o.entryPoint));
  const firstUpload = staticClosure([...render, ...lazyEntries], element.outputs);
  return { render, firstUpload, lazy: firstUpload.filter((o) => !render.includes(o)) };
}

/** Where the bytes come from, by package (or by source folder inside the workspace), largest first. */
export function breakdown(files: readonly Output[], top = 6): string {
  const byOwner = new Map<string, number>();
  for (const file of files)
    for (const [input, bytes] of Object.entries(file.inputBytes)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(input)?.[1];
      const workspace = /packages\/([^/]+)\//.exec(input)?.[1];
      const owner = pkg ?? (workspace ? `@s3up/${workspace}` : input);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + bytes);
    }
  return [...byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([owner, bytes]) => `${owner} ${(bytes / 1000).toFixed(1)} kB`)
    .join(', ');
}

/**
 * Each file's gzip size (on its own, as served) and its largest modules (minified bytes), largest
 * file first, and the modules found in more than one file: what a load is made of, chunk by chunk.
 */
export function chunkBreakdown(files: readonly Output[], name: (o: Output) => string, top = 5): string {
  const short = (input: string) =>
    input.replace(/^.*node_modules\/(?!.*node_modules\/)/, '').replace(/^(\.\.\/)+packages\//, '');
  const chunks = files
    .map((file) => ({ file, gzip: gzipSync(file.bytes, { level: 9 }).length }))
    .sort((a, b) => b.gzip - a.gzip)
    .map(({ file, gzip }) => {
      const modules = Object.entries(file.inputBytes)
        .filter(([, bytes]) => bytes > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([input, bytes]) => `${short(input)} ${(bytes / 1000).toFixed(1)}`)
        .join(', ');
      return `${name(file)} ${(gzip / 1000).toFixed(1)} kB gzip (${modules})`;
    });
  const inFiles = new Map<string, number>();
  for (const file of files)
    for (const [input, bytes] of Object.entries(file.inputBytes))
      if (bytes > 0) inFiles.set(input, (inFiles.get(input) ?? 0) + 1);
  const duplicated = [...inFiles].filter(([, n]) => n > 1).map(([input]) => short(input));
  return `${chunks.join('; ')}. Modules in more than one file: ${duplicated.join(', ') || 'none'}.`;
}
