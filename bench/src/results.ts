import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ContenderSamples } from './interleave.js';
import type { MachineInfo } from './machine.js';
import { ratio, type Summary, summarize } from './statistics.js';

/** One contender's figures in one comparison. */
export interface ContenderResult {
  name: string;
  samples: number[];
  /** Null when every round failed. */
  summary: Summary | null;
  /** This contender's median over the reference's (for "lower is better" units too: read with the unit). */
  ratioToReference: number | null;
  errors: string[];
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
}

/** A target from the issue, shown next to what was measured. `met: null` means not measured. */
export interface TargetResult {
  description: string;
  measured: string;
  met: boolean | null;
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
}

export interface RunResult {
  schema: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  benchmarks: BenchmarkResult[];
}

/** Turns interleaved samples into a comparison with medians and ratios to `reference`. */
export function compare(
  id: string,
  title: string,
  unit: string,
  higherIsBetter: boolean,
  reference: string | null,
  results: readonly ContenderSamples<number>[],
): Comparison {
  const summaries = results.map((r) => ({ ...r, summary: r.samples.length ? summarize(r.samples) : null }));
  const referenceMedian = summaries.find((s) => s.name === reference)?.summary?.median;
  return {
    id,
    title,
    unit,
    higherIsBetter,
    reference,
    contenders: summaries.map((s) => ({
      name: s.name,
      samples: s.samples,
      summary: s.summary,
      ratioToReference:
        s.summary && referenceMedian !== undefined ? ratio(s.summary.median, referenceMedian) : null,
      errors: s.errors,
    })),
  };
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
  if (ma === null || mb === null)
    return { description, measured: `not measured (${ma === null ? a : b} has no figure)`, met: null };
  const r = ma / mb;
  const met = comparison.higherIsBetter ? r >= factor : r <= factor;
  return {
    description,
    measured: `${a}/${b} = ${r.toFixed(2)} (${format(ma)} vs ${format(mb)} ${comparison.unit})`,
    met,
  };
}

export function absoluteTarget(
  description: string,
  value: number | null,
  limit: number,
  unit: string,
  atMost: boolean,
): TargetResult {
  if (value === null) return { description, measured: 'not measured', met: null };
  return {
    description,
    measured: `${format(value)} ${unit} (limit ${format(limit)} ${unit})`,
    met: atMost ? value <= limit : value >= limit,
  };
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
