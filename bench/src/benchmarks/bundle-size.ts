import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { absoluteTarget, type Comparison, writeText } from '../results.js';

const entriesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bundle-entries');

/** Sizes of one bundle, in bytes: minified, and each file compressed on its own (as served). */
export interface BundleSize {
  name: string;
  files: number;
  minified: number;
  gzip: number;
  brotli: number;
}

interface Output {
  path: string;
  bytes: Buffer;
  imports: { path: string; kind: string }[];
  inputs: string[];
  /** Minified bytes each source file contributes. */
  inputBytes: Record<string, number>;
}

async function bundle(entry: string, outdir: string): Promise<{ outputs: Output[]; entry: Output }> {
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
      path,
      bytes: await readFile(path),
      imports: out.imports.map((i) => ({ path: i.path, kind: i.kind })),
      inputs: Object.keys(out.inputs),
      inputBytes: Object.fromEntries(Object.entries(out.inputs).map(([k, v]) => [k, v.bytesInOutput])),
    });
  }
  const main = outputs.find((o) => metafile.outputs[o.path]?.entryPoint);
  if (!main) throw new BenchError('bundle', `${entry}: esbuild reported no entry output`);
  return { outputs, entry: main };
}

function measure(name: string, files: Output[]): BundleSize {
  let gzip = 0;
  let brotli = 0;
  let minified = 0;
  for (const file of files) {
    minified += file.bytes.length;
    gzip += gzipSync(file.bytes, { level: 9 }).length;
    brotli += brotliCompressSync(file.bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: file.bytes.length },
    }).length;
  }
  return { name, files: files.length, minified, gzip, brotli };
}

/** Where the bytes come from, by package (or by source folder inside the workspace), largest first. */
function breakdown(files: Output[], top = 6): string {
  const byOwner = new Map<string, number>();
  for (const file of files)
    for (const [input, bytes] of Object.entries(file.inputBytes)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(input)?.[1];
      const owner =
        pkg ??
        (/packages\/([^/]+)\//.exec(input)?.[1] ? `@s3up/${/packages\/([^/]+)\//.exec(input)?.[1]}` : input);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + bytes);
    }
  return [...byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([owner, bytes]) => `${owner} ${(bytes / 1000).toFixed(1)} kB`)
    .join(', ');
}

/** The entry and every chunk it imports statically: what the browser loads before any code runs. */
function staticClosure(entry: Output, all: Output[]): Output[] {
  const byPath = new Map(all.map((o) => [o.path, o]));
  const seen = new Set<Output>([entry]);
  const queue = [entry];
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

/** Measures every bundle of the comparison; exported for bench/README's numbers. */
export async function measureBundles(): Promise<{ sizes: BundleSize[]; notes: string[] }> {
  const outdir = await mkdtemp(join(tmpdir(), 's3up-bench-bundles-'));
  const sizes: BundleSize[] = [];
  const notes: string[] = [];
  try {
    const element = await bundle('s3up-element', join(outdir, 'element'));
    const render = staticClosure(element.entry, element.outputs);
    sizes.push(measure('s3up: render <s3-upload> (no SDK)', render));
    // Locale chunks load only for fr/de pages: an English first upload does not fetch them.
    const isLocale = (o: Output) => o.inputs.some((i) => i.includes('generated/locales/'));
    const firstUpload = element.outputs.filter((o) => !isLocale(o));
    sizes.push(measure('s3up: everything the first upload loads', firstUpload));
    notes.push(
      `Largest parts of s3up's render-only code (minified, before compression): ${breakdown(render)}.`,
    );
    const lazy = element.outputs.filter((o) => !render.includes(o) && !isLocale(o));
    notes.push(`Largest parts of what the first upload adds (minified): ${breakdown(lazy)}.`);
    notes.push(
      `s3up's lazy chunks (loaded by the first upload): ${lazy
        .map((o) => `${relative(outdir, o.path)} ${(o.bytes.length / 1000).toFixed(1)} kB min`)
        .join(', ')}.`,
    );
    const core = await bundle('s3up-core', join(outdir, 'core'));
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
  return {
    id,
    title,
    unit: 'kB',
    higherIsBetter: false,
    reference: null,
    contenders: sizes.map((s) => {
      const value = kB(pick(s));
      return {
        name: s.name,
        samples: [value],
        summary: { n: 1, median: value, min: value, max: value, mad: 0 },
        ratioToReference: null,
        errors: [],
      };
    }),
  };
}

export const bundleSize: Benchmark = {
  id: 'bundle-size',
  title: '3. Bundle size',
  async run(_env, settings) {
    const { sizes, notes } = await measureBundles();
    const get = (name: string) => sizes.find((s) => s.name.startsWith(name));
    const render = get('s3up: render');
    const first = get('s3up: everything');
    // Written on its own too: the element's README quotes these figures.
    await writeText(
      join(settings.outDir, 'bundle-size.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), sizes }, null, 2)}\n`,
    );
    return {
      settings: {
        bundler: 'esbuild, ESM, minified, code splitting',
        gzip: 'level 9',
        brotli: 'quality 11',
        kB: '1000 bytes',
      },
      comparisons: [
        sizeComparison('bundle-gzip', 'Bundle size, minified + gzip -9', sizes, (s) => s.gzip),
        sizeComparison('bundle-brotli', 'Bundle size, minified + brotli 11', sizes, (s) => s.brotli),
        sizeComparison('bundle-min', 'Bundle size, minified', sizes, (s) => s.minified),
      ],
      targets: [
        absoluteTarget(
          "s3up's code to render the element ≤ 15 kB gzip",
          render ? kB(render.gzip) : null,
          15,
          'kB',
          true,
        ),
        absoluteTarget(
          'everything loaded by the first upload ≤ 100 kB gzip',
          first ? kB(first.gzip) : null,
          100,
          'kB',
          true,
        ),
      ],
      notes: [
        "Bundled with esbuild from the packages' entry points (workspace packages from their TypeScript sources through the @s3up/source condition; the published dist/ is the same code compiled by tsc), browser conditions, process.env.NODE_ENV=production.",
        "Each output file is compressed on its own, as a server sends it; a bundle's size is the sum over its files. Uppy's Dashboard CSS is not counted.",
        ...notes,
      ],
    };
  },
};
