import { describe, expect, it } from 'vitest';
import { roundOrder, runInterleaved } from '../../src/interleave.js';
import { absoluteTarget, compare, relativeTarget, singles } from '../../src/results.js';
import { median, mibPerSecond, percentile, ratio, summarize } from '../../src/statistics.js';

describe('statistics', () => {
  it('takes the median of odd and even sample counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('interpolates percentiles linearly between ranks', () => {
    const samples = Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([10, 20], 75)).toBe(17.5);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });

  it('refuses empty or non-finite samples instead of reporting NaN', () => {
    expect(() => median([])).toThrow(/no samples/);
    expect(() => median([1, Number.NaN])).toThrow(/finite/);
    expect(() => percentile([1], 101)).toThrow(/between 0 and 100/);
  });

  it('has no ratio to a zero reference', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
  });

  it('summarizes with the median absolute deviation', () => {
    expect(summarize([1, 2, 3, 4, 100])).toEqual({ n: 5, median: 3, min: 1, max: 100, mad: 1 });
  });

  it('converts bytes and milliseconds to MiB/s', () => {
    expect(mibPerSecond(256 * 1024 * 1024, 2000)).toBe(128);
    expect(() => mibPerSecond(1, 0)).toThrow(/positive/);
  });
});

describe('interleaving', () => {
  it('rotates which contender goes first each round', () => {
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 2, 0]);
    expect(roundOrder(3, 3)).toEqual([0, 1, 2]);
  });

  it('runs A and B alternately, keeps failures, and stops at the time budget', async () => {
    const calls: string[] = [];
    let clock = 0;
    const results = await runInterleaved(
      [
        {
          name: 'A',
          run: async () => {
            calls.push('A');
            clock += 10;
            return 1;
          },
        },
        {
          name: 'B',
          run: async (round) => {
            calls.push('B');
            clock += 10;
            if (round === 1) throw new Error('part 3 failed');
            return 2;
          },
        },
      ],
      { rounds: 5, budgetMs: 35, now: () => clock },
    );
    expect(calls).toEqual(['A', 'B', 'B', 'A']);
    expect(results[0]).toEqual({ name: 'A', samples: [1, 1], cpu: [], errors: [] });
    expect(results[1]).toEqual({ name: 'B', samples: [2], cpu: [], errors: ['part 3 failed'] });
  });

  it('rejects unbounded round counts', async () => {
    await expect(runInterleaved([], { rounds: 0, budgetMs: 1 })).rejects.toThrow(/rounds/);
    await expect(runInterleaved([], { rounds: 1e6, budgetMs: 1 })).rejects.toThrow(/rounds/);
  });
});

describe('comparisons and targets', () => {
  const throughput = compare('t', 'throughput', 'MiB/s', true, 'limit', [
    { name: 'limit', samples: [100, 110, 90], errors: [] },
    { name: 's3up', samples: [95, 92, 97], errors: [] },
    { name: 'uppy', samples: [], errors: ['boom'] },
  ]);

  it('divides each median by the reference median', () => {
    expect(throughput.contenders.map((c) => c.ratioToReference)).toEqual([1, 0.95, null]);
  });

  it('reports a target as met, missed or not measured', () => {
    expect(relativeTarget('≥ 0.9 × limit', throughput, 's3up', 'limit', 0.9).met).toBe(true);
    expect(relativeTarget('≥ 1 × limit', throughput, 's3up', 'limit', 1).met).toBe(false);
    expect(relativeTarget('≥ 1.5 × uppy', throughput, 's3up', 'uppy', 1.5).met).toBeNull();
    const latency = compare('l', 'latency', 'ms', false, null, [
      { name: 'a', samples: [10], errors: [] },
      { name: 'b', samples: [20], errors: [] },
    ]);
    expect(relativeTarget('a ≤ 0.6 × b', latency, 'a', 'b', 0.6).met).toBe(true);
  });

  it('carries each target inside its comparison, in fields a script can read', () => {
    const c = compare('t2', 'throughput', 'MiB/s', true, 'ceiling', [
      { name: 'ceiling', samples: [100], errors: [] },
      { name: 's3up', samples: [95], errors: [] },
      { name: 'uppy', samples: [50], errors: [] },
    ]);
    expect(c.targets).toEqual([]);
    expect(c.met).toBeNull();
    relativeTarget('s3up ≥ 0.9 × ceiling', c, 's3up', 'ceiling', 0.9);
    expect(c.met).toBe(true);
    relativeTarget('s3up ≥ 2 × uppy', c, 's3up', 'uppy', 2);
    expect(c.met).toBe(false);
    expect(c.targets[1]).toMatchObject({
      metric: 's3up/uppy',
      op: '>=',
      threshold: 2,
      value: 1.9,
      unit: 'ratio',
      met: false,
      comparison: 't2',
    });
    const sizes = singles('b', 'bundle', 'kB', false, [{ name: 'render', value: 14 }]);
    absoluteTarget('render ≤ 15 kB', 14, 15, 'kB', true, sizes, 'render');
    expect(sizes.targets[0]).toMatchObject({
      metric: 'render',
      op: '<=',
      threshold: 15,
      value: 14,
      met: true,
    });
    expect(JSON.parse(JSON.stringify(sizes)).met).toBe(true);
  });
});
