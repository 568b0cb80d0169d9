import { BenchError } from './bench-error.js';

export interface CliOptions {
  /** Which benchmarks to run, in this order. Default: all, in their `order`. */
  benchmarks: string[];
  /** --quick: small files and 1 round, for a smoke test in minutes. Default off. */
  quick: boolean;
  /** --rounds N: rounds per contender. Default 3 (1 with --quick): the median of 3 survives one disturbed round. */
  rounds: number;
  /** --out DIR: where latest.json/.md/.svg go. Default bench/results. */
  outDir: string | null;
  /** --merge: keep the benchmarks of the existing latest.json that this run does not repeat. Default off. */
  merge: boolean;
  help: boolean;
}

export function usage(ids: readonly string[]): string {
  return `usage: pnpm bench [benchmark...] [--quick] [--rounds N] [--out DIR] [--merge]

benchmarks: ${ids.join(', ')} (default: all)
  --quick      small files, 1 round: a smoke test in minutes
  --rounds N   rounds per contender, 1 to 20 (default 3; 1 with --quick)
  --out DIR    where latest.json, latest.md and latest.svg go (default bench/results)
  --merge      keep the other benchmarks of the existing latest.json (each says which run measured it)`;
}

/**
 * Parses and validates the command line before anything starts (no half-run on a typo).
 * `ids` are the benchmarks found in src/benchmarks/, in run order.
 */
export function parseCliOptions(argv: readonly string[], ids: readonly string[]): CliOptions {
  const options: CliOptions = {
    benchmarks: [],
    quick: false,
    rounds: 0,
    outDir: null,
    merge: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--merge') options.merge = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const value = arg.includes('=') ? arg.slice('--rounds='.length) : argv[++i];
      const rounds = Number(value);
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
        throw new BenchError(
          'invalid-option',
          `--rounds must be an integer from 1 to 20, got ${value ?? 'nothing'}`,
        );
      options.rounds = rounds;
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg.includes('=') ? arg.slice('--out='.length) : argv[++i];
      if (!value) throw new BenchError('invalid-option', '--out needs a directory, e.g. --out /tmp/bench');
      options.outDir = value;
    } else if (arg.startsWith('-')) {
      throw new BenchError('invalid-option', `unknown option ${arg}\n${usage(ids)}`);
    } else if (ids.includes(arg)) {
      if (!options.benchmarks.includes(arg)) options.benchmarks.push(arg);
    } else {
      throw new BenchError('invalid-option', `unknown benchmark "${arg}": pick from ${ids.join(', ')}`);
    }
  }
  if (options.benchmarks.length === 0) options.benchmarks = [...ids];
  if (options.rounds === 0) options.rounds = options.quick ? 1 : 3;
  return options;
}
