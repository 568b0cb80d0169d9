import { BenchError } from './bench-error.js';

/** One contender in a comparison: `run` does one measured round and returns its figure. */
export interface Contender<T> {
  name: string;
  run: (round: number) => Promise<T>;
}

export interface InterleaveOptions {
  /** Rounds per contender. Bounded: every loop in the harness has a count and a time limit. */
  rounds: number;
  /** Wall-clock budget for the whole comparison; rounds not started by then are skipped. */
  budgetMs: number;
  /** Runs before each round of every contender (e.g. restart the backend when its memory is full). */
  beforeEach?: (contender: string, round: number) => Promise<void>;
  /** Progress lines. */
  log?: (line: string) => void;
  now?: () => number;
}

export interface ContenderSamples<T> {
  name: string;
  samples: T[];
  /** Rounds that threw: kept so the report can say a contender failed instead of hiding it. */
  errors: string[];
}

/**
 * The order of round `round`: A,B,C then B,C,A then C,A,B... Every contender runs once per
 * round, in one process, so machine noise (another engineer's test run) spreads over all of
 * them; rotating the start also spreads "first after a backend restart" evenly.
 */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + round) % count);
}

/**
 * Runs contenders interleaved (A, B, A, B...) for at most `rounds` rounds and `budgetMs`.
 *
 * @example
 * const results = await runInterleaved(
 *   [{ name: 'limit', run: () => uploadDirect(file) }, { name: 'lib-storage', run: () => viaBrowser(file) }],
 *   { rounds: 3, budgetMs: 10 * 60_000 },
 * );
 */
export async function runInterleaved<T>(
  contenders: readonly Contender<T>[],
  options: InterleaveOptions,
): Promise<ContenderSamples<T>[]> {
  const { rounds, budgetMs } = options;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
    throw new BenchError('invalid-option', `rounds must be an integer from 1 to 50, got ${rounds}`);
  if (!(budgetMs > 0)) throw new BenchError('invalid-option', `budgetMs must be positive, got ${budgetMs}`);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const deadline = now() + budgetMs;
  const results = contenders.map((c) => ({ name: c.name, samples: [] as T[], errors: [] as string[] }));
  for (let round = 0; round < rounds; round++) {
    for (const index of roundOrder(contenders.length, round)) {
      if (now() > deadline) {
        log(`  time budget of ${Math.round(budgetMs / 1000)} s spent: round ${round + 1} skipped`);
        return results;
      }
      const contender = contenders[index]!;
      const result = results[index]!;
      await options.beforeEach?.(contender.name, round);
      try {
        const sample = await contender.run(round);
        result.samples.push(sample);
        log(`  round ${round + 1}/${rounds} ${contender.name}: ${JSON.stringify(sample)}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.errors.push(message);
        log(`  round ${round + 1}/${rounds} ${contender.name} FAILED: ${message}`);
      }
    }
  }
  return results;
}
