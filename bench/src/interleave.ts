import { BenchError } from './bench-error.js';
import {
  type CpuSnapshot,
  type CpuUse,
  cpuSnapshot,
  cpuUse,
  type ProcessClassifier,
} from './cpu-accounting.js';

/** One contender in a comparison: `run` does one measured round and returns its figure. */
export interface Contender<T> {
  name: string;
  /** What this contender is set to and why (part size, queue size...): shown in the report. */
  setting?: string;
  /** Bytes one round moves, for CPU per MiB. */
  bytes?: number;
  /** At most this many rounds (a figure that cannot vary between rounds); default all. */
  rounds?: number;
  /** Untimed work before the round (start the backend, make room, write the file): outside the CPU accounting. */
  prepare?: (round: number) => Promise<void>;
  /**
   * One measured round. A round that cleans up after itself (closes a browser context, whose
   * renderer then exits) calls `measured()` before the clean-up, so the CPU accounting still
   * sees its processes; otherwise the round's end is when `run` resolves.
   */
  run: (round: number, measured: () => Promise<void>) => Promise<T>;
}

export interface InterleaveOptions {
  /** Rounds per contender. Bounded: every loop in the harness has a count and a time limit. */
  rounds: number;
  /** Wall-clock budget for the whole comparison; rounds not started by then are skipped. */
  budgetMs: number;
  /** Runs before each round of every contender (e.g. restart the backend when its memory is full). */
  beforeEach?: (contender: string, round: number) => Promise<void>;
  /**
   * With a classifier, the CPU every process used is recorded around each round's `run`
   * (after `prepare`), by group, plus what everything else on the machine used.
   * Read after each round's `prepare` (the browser or the backend may have just started).
   */
  cpu?: () => ProcessClassifier;
  /** Progress lines. */
  log?: (line: string) => void;
  now?: () => number;
}

export interface ContenderSamples<T> {
  name: string;
  setting?: string;
  bytes?: number;
  samples: T[];
  /** CPU use of each successful round, in the order of `samples` (when `cpu` was given). */
  cpu: CpuUse[];
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
  const results: ContenderSamples<T>[] = contenders.map((c) => ({
    name: c.name,
    ...(c.setting ? { setting: c.setting } : {}),
    ...(c.bytes ? { bytes: c.bytes } : {}),
    samples: [],
    cpu: [],
    errors: [],
  }));
  for (let round = 0; round < rounds; round++) {
    for (const index of roundOrder(contenders.length, round)) {
      if (now() > deadline) {
        log(`  time budget of ${Math.round(budgetMs / 1000)} s spent: round ${round + 1} skipped`);
        return results;
      }
      const contender = contenders[index]!;
      const result = results[index]!;
      if (contender.rounds !== undefined && round >= contender.rounds) continue;
      await options.beforeEach?.(contender.name, round);
      try {
        await contender.prepare?.(round);
        const classify = options.cpu?.();
        const before = classify ? await cpuSnapshot() : null;
        let after: Promise<CpuSnapshot> | null = null;
        const measured = async () => {
          if (!classify) return;
          after ??= cpuSnapshot();
          await after;
        };
        const sample = await contender.run(round, measured);
        await measured();
        const used = classify && before && after ? cpuUse(before, await after, classify) : null;
        result.samples.push(sample);
        if (used) result.cpu.push(used);
        log(
          `  round ${round + 1}/${rounds} ${contender.name}: ${JSON.stringify(sample)}${
            used
              ? ` (others used ${(used.othersShare * 100).toFixed(0)}% of the CPU${used.noisy ? ': noisy' : ''})`
              : ''
          }`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.errors.push(message);
        log(`  round ${round + 1}/${rounds} ${contender.name} FAILED: ${message}`);
      }
    }
  }
  return results;
}
