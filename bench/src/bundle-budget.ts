import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleS3upElement, measure, s3upLoadSets } from './bundle-measure.js';

export const BUDGET_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'bundle-budget.json');

/** bench/bundle-budget.json: gzip bytes each load may have; raised deliberately, in the commit that grows it. */
export interface BundleBudget {
  /** `<s3-upload>` rendered, before any upload (gzip -9 bytes). */
  render: number;
  /** Everything fetched by the first upload (gzip -9 bytes). */
  firstUpload: number;
  /** Growth over the budget the check lets through (bytes): 2,000 (issue 21). */
  slack: number;
}

export interface BudgetCheck {
  name: keyof Pick<BundleBudget, 'render' | 'firstUpload'>;
  gzip: number;
  budget: number;
  slack: number;
  ok: boolean;
  message: string;
}

export type LoadSizes = Record<'render' | 'firstUpload', number>;

/** Reads bench/bundle-budget.json. */
export async function readBundleBudget(): Promise<BundleBudget> {
  return JSON.parse(await readFile(BUDGET_FILE, 'utf8')) as BundleBudget;
}

/**
 * Builds `<s3-upload>` the way the bench measures it (esbuild, minified, split) and returns
 * the gzip bytes of the render and first-upload loads. Seconds, no browser: CI's cost stays
 * small. The bench's bundle-size benchmark checks in Chromium that these are the files the
 * browser fetches.
 */
export async function measureS3upLoads(): Promise<LoadSizes> {
  const outdir = await mkdtemp(join(tmpdir(), 's3up-bundle-budget-'));
  try {
    const sets = s3upLoadSets(await bundleS3upElement(outdir));
    return {
      render: measure('render', sets.render, { brotli: false }).gzip,
      firstUpload: measure('first upload', sets.firstUpload, { brotli: false }).gzip,
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Each load against its budget: over by more than `slack` fails, with a message saying what to do. */
export function checkBundleBudget(sizes: LoadSizes, limits: BundleBudget): BudgetCheck[] {
  return (['render', 'firstUpload'] as const).map((name) => {
    const gzip = sizes[name];
    const ok = gzip <= limits[name] + limits.slack;
    return {
      name,
      gzip,
      budget: limits[name],
      slack: limits.slack,
      ok,
      message: `${name}: ${gzip} B gzip, budget ${limits[name]} B (+${limits.slack} B allowed)${
        ok
          ? ''
          : `: ${gzip - limits[name]} B over. If the growth is deliberate, raise "${name}" in bench/bundle-budget.json in the same commit and say why in its message.`
      }`,
    };
  });
}
