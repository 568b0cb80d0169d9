import type { BenchEnvironment } from './environment.js';
import type { BenchmarkResult } from './results.js';

/** Sizes, rounds and budgets of one run: `--quick` shrinks them so a smoke test takes minutes. */
export interface RunSettings {
  quick: boolean;
  /** Rounds per contender per comparison (--rounds). */
  rounds: number;
  partSize: number;
  concurrency: number;
  /** Where results go (latest.* and per-benchmark extras such as bundle-size.json). */
  outDir: string;
}

/**
 * One benchmark: a module in src/benchmarks/ whose default export is this object. The
 * runner finds it there by itself (no list to edit): `pnpm bench <id>` runs it, and
 * `pnpm bench` runs every benchmark in `order`.
 *
 * @example
 * // src/benchmarks/share-links.ts
 * const shareLinks: Benchmark = {
 *   id: 'share-links',
 *   title: 'Share links: signing cost',
 *   order: 70,
 *   async run(env, settings) {
 *     const samples = await runInterleaved([...], { rounds: settings.rounds, budgetMs: 60_000, cpu: benchCpu(env) });
 *     const comparison = compare('links-sign', 'Signing a link', 'µs', false, 'baseline', samples);
 *     relativeTarget('s3up ≤ 2 × baseline', comparison, 's3up', 'baseline', 2);
 *     return { settings: {}, comparisons: [comparison], targets: comparison.targets, notes: [] };
 *   },
 * };
 * export default shareLinks;
 */
export interface Benchmark {
  /** The name on the command line: lowercase words joined by `-`. */
  id: string;
  title: string;
  /** Position in a full run and in the report (lower first); ties go by id. */
  order: number;
  run(
    env: BenchEnvironment,
    settings: RunSettings,
  ): Promise<Omit<BenchmarkResult, 'durationMs' | 'id' | 'title'>>;
}
