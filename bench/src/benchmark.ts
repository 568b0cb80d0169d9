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

export interface Benchmark {
  id: string;
  title: string;
  run(
    env: BenchEnvironment,
    settings: RunSettings,
  ): Promise<Omit<BenchmarkResult, 'durationMs' | 'id' | 'title'>>;
}
