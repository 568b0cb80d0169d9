/**
 * The statistics the reports show. Medians, not means: one run disturbed by another
 * engineer's test on the shared 2-core machine must not move the figure.
 */

function sorted(samples: readonly number[]): number[] {
  for (const value of samples) {
    if (!Number.isFinite(value)) throw new RangeError(`samples must be finite numbers, got ${value}`);
  }
  return [...samples].sort((a, b) => a - b);
}

/** Linear-interpolated percentile (the definition numpy and spreadsheets use by default), p in [0, 100]. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples: the benchmark recorded nothing');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  const values = sorted(samples);
  const rank = (p / 100) * (values.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = values[low]!;
  return lowValue + (values[high]! - lowValue) * (rank - low);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** a / b, or null when b is zero (a contender that failed every round has no ratio). */
export function ratio(a: number, b: number): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Median absolute deviation: how far a typical round strays from the median. */
  mad: number;
}

export function summarize(samples: readonly number[]): Summary {
  const values = sorted(samples);
  if (values.length === 0) throw new RangeError('summary of no samples: the benchmark recorded nothing');
  const mid = median(values);
  return {
    n: values.length,
    median: mid,
    min: values[0]!,
    max: values[values.length - 1]!,
    mad: median(values.map((v) => Math.abs(v - mid))),
  };
}

/** Bytes per millisecond to MiB per second. */
export function mibPerSecond(bytes: number, milliseconds: number): number {
  if (!(milliseconds > 0)) throw new RangeError(`duration must be positive, got ${milliseconds} ms`);
  return bytes / 1024 / 1024 / (milliseconds / 1000);
}
