import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CpuUse, NOISY_SHARE } from './cpu-accounting.js';
import type { ContenderSamples } from './interleave.js';
import type { MachineInfo } from './machine.js';
import { ratio, type Summary, summarize } from './statistics.js';

/** CPU a contender's rounds used, by process group (medians over its rounds). */
export interface ContenderCpu {
  /** Milliseconds of CPU per MiB moved, per group (`chromium renderer`, `chromium network`, `backend`, `harness`...). */
  msPerMiB: Record<string, number>;
  /** Share of the whole machine (all cores) other processes used, per round. */
  othersShare: number[];
  /** Rounds in which others used more than a tenth of the CPU. */
  noisyRounds: number;
}

/** One contender's figures in one comparison. */
export interface ContenderResult {
  name: string;
  /** Its settings and why they were chosen, when they differ from the benchmark's. */
  setting?: string;
  samples: number[];
  /** Null when every round failed. */
  summary: Summary | null;
  /** This contender's median over the reference's (for "lower is better" units too: read with the unit). */
  ratioToReference: number | null;
  errors: string[];
  /** Per-process CPU, when the comparison recorded it. */
  cpu?: ContenderCpu;
}

/** Contenders measured side by side on one figure (e.g. MiB/s for a 1 GiB file). */
export interface Comparison {
  id: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  /** The contender the ratios divide by. */
  reference: string | null;
  contenders: ContenderResult[];
  /** The targets on this comparison (empty: none; `targetNote` says why). */
  targets: TargetResult[];
  /** Every target met: true; one missed: false; none, or one not measured: null. */
  met: boolean | null;
  targetNote?: string;
  /** Some round ran while other processes used more than a tenth of the CPU. */
  noisy: boolean;
}

/**
 * A target from the issue, shown next to what was measured, in fields a script can read:
 * `value op threshold` (e.g. s3up/limit ≥ 0.9). `met: null` means not measured.
 */
export interface TargetResult {
  description: string;
  /** What `value` is: a contender's median, or a ratio "a/b" of two medians. */
  metric: string;
  op: '>=' | '<=';
  threshold: number;
  value: number | null;
  unit: string;
  measured: string;
  met: boolean | null;
  /** The comparison it is read from. */
  comparison?: string;
}

export interface BenchmarkResult {
  id: string;
  title: string;
  settings: Record<string, unknown>;
  comparisons: Comparison[];
  targets: TargetResult[];
  notes: string[];
  /** Set when the benchmark could not run at all (e.g. a package it measures has not landed). */
  error?: string;
  durationMs: number;
  /**
   * The run that measured it. With `pnpm bench --merge`, latest.json keeps the benchmarks a
   * run did not repeat from the file before it, so each says which run (and commit) it is from.
   */
  run?: { startedAt: string; command: string; mode: 'full' | 'quick'; commit: string; loadAverage: number };
}

export interface RunResult {
  /** 2: targets travel inside their comparisons, with per-process CPU and noise (issue 21). */
  schema: 2;
  /** Some round of some comparison ran while other processes used more than a tenth of the CPU. */
  noisy: boolean;
  /** How many targets of the run (each inside its comparison) were met, missed, or not measured. */
  verdicts: { met: number; missed: number; notMeasured: number };
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  benchmarks: BenchmarkResult[];
}

/** Medians of each group's CPU per MiB over the rounds, and how noisy each round was. */
export function contenderCpu(rounds: readonly CpuUse[], bytes: number | undefined): ContenderCpu | undefined {
  if (!rounds.length) return undefined;
  const mib = (bytes ?? 0) / 1024 / 1024;
  const groups = new Set(rounds.flatMap((r) => Object.keys(r.groups)));
  const msPerMiB: Record<string, number> = {};
  if (mib > 0)
    for (const group of [...groups].sort())
      msPerMiB[group] = summarize(rounds.map((r) => (r.groups[group] ?? 0) / mib)).median;
  if (mib > 0) msPerMiB.others = summarize(rounds.map((r) => r.othersMs / mib)).median;
  return {
    msPerMiB,
    othersShare: rounds.map((r) => Math.round(r.othersShare * 1000) / 1000),
    noisyRounds: rounds.filter((r) => r.othersShare > NOISY_SHARE).length,
  };
}

/** Turns interleaved samples into a comparison with medians and ratios to `reference`. */
export function compare(
  id: string,
  title: string,
  unit: string,
  higherIsBetter: boolean,
  reference: string | null,
  results: readonly (Omit<ContenderSamples<number>, 'cpu'> & { cpu?: CpuUse[] })[],
): Comparison {
  const summaries = results.map((r) => ({ ...r, summary: r.samples.length ? summarize(r.samples) : null }));
  const referenceMedian = summaries.find((s) => s.name === reference)?.summary?.median;
  const contenders = summaries.map((s): ContenderResult => {
    const cpu = contenderCpu(s.cpu ?? [], s.bytes);
    return {
      name: s.name,
      ...(s.setting ? { setting: s.setting } : {}),
      samples: s.samples,
      summary: s.summary,
      ratioToReference:
        s.summary && referenceMedian !== undefined ? ratio(s.summary.median, referenceMedian) : null,
      errors: s.errors,
      ...(cpu ? { cpu } : {}),
    };
  });
  return {
    id,
    title,
    unit,
    higherIsBetter,
    reference,
    contenders,
    targets: [],
    met: null,
    noisy: contenders.some((c) => (c.cpu?.noisyRounds ?? 0) > 0),
  };
}

/** A comparison of single figures (sizes, one-off measurements): no rounds, no ratios. */
export function singles(
  id: string,
  title: string,
  unit: string,
  higherIsBetter: boolean,
  rows: readonly { name: string; value: number | null; error?: string; setting?: string }[],
): Comparison {
  return compare(
    id,
    title,
    unit,
    higherIsBetter,
    null,
    rows.map((r) => ({
      name: r.name,
      ...(r.setting ? { setting: r.setting } : {}),
      samples: r.value === null ? [] : [r.value],
      errors: r.error ? [r.error] : [],
    })),
  );
}

/** Attaches a target to its comparison (and recomputes the comparison's verdict); returns the target. */
export function attach(comparison: Comparison, target: TargetResult): TargetResult {
  target.comparison = comparison.id;
  comparison.targets.push(target);
  const verdicts = comparison.targets.map((t) => t.met);
  comparison.met = verdicts.includes(false) ? false : verdicts.includes(null) ? null : true;
  return target;
}

export function medianOf(comparison: Comparison, contender: string): number | null {
  return comparison.contenders.find((c) => c.name === contender)?.summary?.median ?? null;
}

/**
 * A target "a ≥ factor × b" (or ≤ when `higherIsBetter` is false) between two medians;
 * unmeasured (null) when either side has no figure.
 */
export function relativeTarget(
  description: string,
  comparison: Comparison,
  a: string,
  b: string,
  factor: number,
): TargetResult {
  const ma = medianOf(comparison, a);
  const mb = medianOf(comparison, b);
  const base = {
    description,
    metric: `${a}/${b}`,
    op: comparison.higherIsBetter ? ('>=' as const) : ('<=' as const),
    threshold: factor,
    unit: 'ratio',
  };
  if (ma === null || mb === null)
    return attach(comparison, {
      ...base,
      value: null,
      measured: `not measured (${ma === null ? a : b} has no figure)`,
      met: null,
    });
  const r = ma / mb;
  const met = comparison.higherIsBetter ? r >= factor : r <= factor;
  return attach(comparison, {
    ...base,
    value: r,
    measured: `${a}/${b} = ${r.toFixed(2)} (${format(ma)} vs ${format(mb)} ${comparison.unit})`,
    met,
  });
}

/**
 * A target on one value (`value ≤ limit` when `atMost`); attached to `comparison` when given
 * (every target of a comparison travels with it in latest.json).
 */
export function absoluteTarget(
  description: string,
  value: number | null,
  limit: number,
  unit: string,
  atMost: boolean,
  comparison?: Comparison,
  metric = 'value',
): TargetResult {
  const target: TargetResult = {
    description,
    metric,
    op: atMost ? '<=' : '>=',
    threshold: limit,
    value,
    unit,
    measured: value === null ? 'not measured' : `${format(value)} ${unit} (limit ${format(limit)} ${unit})`,
    met: value === null ? null : atMost ? value <= limit : value >= limit,
  };
  return comparison ? attach(comparison, target) : target;
}

/** Three significant digits, no exponent: what a reader compares at a glance. */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
