import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { leanSdk } from '../../../packages/core/build/lean-sdk.mjs';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import {
  type Bundle,
  type BundleSize,
  breakdown,
  bundle,
  bundleS3upElement,
  chunkBreakdown,
  measure,
  type Output,
  s3upLoadSets,
} from '../bundle-measure.js';
import type { BenchEnvironment } from '../environment.js';
import { bundlePage } from '../page-bundle.js';
import { absoluteTarget, type Comparison, singles, writeText } from '../results.js';
import { MiB } from '../test-file.js';

export const RENDER = 's3up: render <s3-upload> (no SDK)';
export const FIRST_UPLOAD = 's3up: first upload, as the browser fetched it';
/** Two parts (8 MiB + 1 MiB): a multipart upload, with its resume record, as large files make. */
const FILE = 9 * MiB;
const FIRST_UPLOAD_STATIC = 's3up: first upload, from the metafile (CI size check)';

/**
 * Loads the measured element bundle in Chromium with a driver script of its own, makes one
 * upload, and returns the bundle's files the page server answered: what the browser really
 * fetched for rendering and the first upload (responses recorded, not guessed).
 */
async function fetchedByBrowser(env: BenchEnvironment, element: Bundle, dir: string): Promise<Output[]> {
  const driverDir = await bundlePage('s3up-fetched');
  try {
    const server = await env.pages([]);
    server.addPage('s3up-fetched', dir, [`/${basename(element.entry.path)}`, '/s3up-fetched.js']);
    server.addPage('s3up-fetched-driver', driverDir, []);
    const local = await env.backend.ensureRoom(FILE);
    const browser = await env.browser();
    const key = env.key('bundle');
    server.served.length = 0;
    await browser.upload({
      pageUrl: server.pageUrl('s3up-fetched'),
      filePath: await env.file(FILE),
      key,
      partSize: 8 * MiB,
      concurrency: 6,
      timeoutMs: 120_000,
    });
    await env.verifyObject(local, key, FILE);
    // By name, whichever page's directory answered: the page server looks a chunk up in every
    // page's output, and another benchmark's s3up page (first-byte, in the same run) holds the
    // same content-hashed chunks. Filtering on this page's directory counted those as not
    // fetched: 97.3 kB recorded at 19:54 for a load that was 104 kB.
    const names = new Set(server.served.map((s) => s.path.replace(/^[/\\]+/, '')));
    const fetched = new Set([...names].map((name) => join(dir, name)));
    const files = element.outputs.filter((o) => fetched.has(o.path));
    if (!files.includes(element.entry))
      throw new BenchError(
        'bundle',
        `Chromium uploaded without fetching ${element.entry.path}: the record is wrong`,
      );
    return files;
  } finally {
    await rm(driverDir, { recursive: true, force: true });
  }
}

/** Measures every bundle of the comparison; with `env`, also what Chromium fetched. */
export async function measureBundles(
  env?: BenchEnvironment,
): Promise<{ sizes: BundleSize[]; notes: string[] }> {
  const outdir = await mkdtemp(join(tmpdir(), 's3up-bench-bundles-'));
  const sizes: BundleSize[] = [];
  const notes: string[] = [];
  try {
    const elementDir = join(outdir, 'element');
    const element = await bundleS3upElement(elementDir);
    const { render, firstUpload, lazy } = s3upLoadSets(element);
    sizes.push(measure(RENDER, render));
    if (env) {
      const fetched = await fetchedByBrowser(env, element, elementDir);
      sizes.push(measure(FIRST_UPLOAD, fetched));
      const name = (o: Output) => relative(elementDir, o.path);
      const notFetched = firstUpload.filter((o) => !fetched.includes(o)).map(name);
      const unexpected = fetched.filter((o) => !firstUpload.includes(o)).map(name);
      notes.push(
        notFetched.length || unexpected.length
          ? `The CI size check's rule (static imports, plus s3up's own dynamic imports) differs from what Chromium fetched: ${
              notFetched.length ? `counted but not fetched: ${notFetched.join(', ')}` : ''
            }${unexpected.length ? ` fetched but not counted: ${unexpected.join(', ')}` : ''}.`
          : `Chromium fetched exactly the ${fetched.length} files the CI size check counts (static imports, plus s3up's own dynamic imports).`,
      );
      notes.push(
        `What Chromium fetched, file by file (gzip -9 each; its largest modules, kB minified): ${chunkBreakdown(fetched, name)}`,
      );
      const skipped = element.outputs.filter((o) => !fetched.includes(o)).map(name);
      notes.push(
        `Bundle files Chromium did not fetch for rendering and a first upload (not counted): ${skipped.join(', ') || 'none'}.`,
      );
    }
    sizes.push(measure(FIRST_UPLOAD_STATIC, firstUpload));
    notes.push(
      `Largest parts of s3up's render-only code (minified, before compression): ${breakdown(render)}.`,
    );
    notes.push(`Largest parts of what the first upload adds (minified): ${breakdown(lazy)}.`);
    notes.push(
      `s3up's lazy chunks (loaded by the first upload): ${lazy
        .map((o) => `${relative(outdir, o.path)} ${(o.bytes.length / 1000).toFixed(1)} kB min`)
        .join(', ')}.`,
    );
    // With the browser SDK the package ships (its `browser` field), as an app's bundler gets it.
    const core = await bundle('s3up-core', join(outdir, 'core'), [leanSdk()]);
    sizes.push(measure('s3up core alone (engine + SDK chunks)', core.outputs));
    for (const [entry, name] of [
      ['lib-storage', 'lib-storage + client-s3'],
      ['uppy-aws-s3', 'Uppy core + aws-s3'],
      ['uppy-dashboard', 'Uppy core + aws-s3 + Dashboard'],
    ] as const) {
      const peer = await bundle(entry, join(outdir, entry));
      sizes.push(measure(name, peer.outputs));
    }
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
  return { sizes, notes };
}

const kB = (bytes: number) => bytes / 1000;

function sizeComparison(
  id: string,
  title: string,
  sizes: BundleSize[],
  pick: (s: BundleSize) => number,
): Comparison {
  return singles(
    id,
    title,
    'kB',
    false,
    sizes.map((s) => ({ name: s.name, value: kB(pick(s)) })),
  );
}

export const bundleSize: Benchmark = {
  id: 'bundle-size',
  title: 'Bundle size',
  order: 30,
  async run(env, settings) {
    const { sizes, notes } = await measureBundles(env);
    const get = (name: string) => sizes.find((s) => s.name === name);
    const render = get(RENDER);
    const first = get(FIRST_UPLOAD);
    // Written on its own too: the element's README quotes these figures.
    await writeText(
      join(settings.outDir, 'bundle-size.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), sizes }, null, 2)}\n`,
    );
    const gzip = sizeComparison('bundle-gzip', 'Bundle size, minified + gzip -9', sizes, (s) => s.gzip);
    const brotli = sizeComparison(
      'bundle-brotli',
      'Bundle size, minified + brotli 11',
      sizes,
      (s) => s.brotli,
    );
    brotli.targetNote = 'the targets are on gzip';
    const minified = sizeComparison('bundle-min', 'Bundle size, minified', sizes, (s) => s.minified);
    minified.targetNote = 'the targets are on gzip';
    return {
      settings: {
        bundler: 'esbuild, ESM, minified, code splitting',
        gzip: 'level 9',
        brotli: 'quality 11',
        kB: '1000 bytes',
      },
      comparisons: [gzip, brotli, minified],
      targets: [
        absoluteTarget(
          "s3up's code to render the element ≤ 15 kB gzip",
          render ? kB(render.gzip) : null,
          15,
          'kB',
          true,
          gzip,
          RENDER,
        ),
        absoluteTarget(
          'what the browser fetched by the first upload ≤ 100 kB gzip',
          first ? kB(first.gzip) : null,
          100,
          'kB',
          true,
          gzip,
          FIRST_UPLOAD,
        ),
      ],
      notes: [
        "Bundled with esbuild from the packages' entry points (workspace packages from their TypeScript sources through the @s3up/source condition; the published dist/ is the same code compiled by tsc), browser conditions, process.env.NODE_ENV=production.",
        "Each output file is compressed on its own, as a server sends it; a bundle's size is the sum over its files. Uppy's Dashboard CSS is not counted.",
        `"${FIRST_UPLOAD}": the element bundle is loaded in Chromium with a separate driver script, a 9 MiB file (two parts) is uploaded, and the page server's responses from the bundle are summed: only what the browser fetched counts.`,
        ...notes,
      ],
    };
  },
};

export default bundleSize;
