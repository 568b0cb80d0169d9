import { describe, expect, it } from 'vitest';
import { roundOrder, runInterleaved } from '../../src/interleave.js';

describe('runInterleaved', () => {
  it('rotates the starting contender each round', () => {
    expect(roundOrder(3, 0)).toEqual([0, 1, 2]);
    expect(roundOrder(3, 1)).toEqual([1, 2, 0]);
  });

  it('runs a contender with its own round count only that often, the others every round', async () => {
    const calls: string[] = [];
    const record = (name: string) => async (round: number) => {
      calls.push(`${name}${round}`);
      return round;
    };
    const results = await runInterleaved(
      [
        { name: 'a', run: record('a') },
        { name: 'once', rounds: 1, run: record('once') },
      ],
      { rounds: 3, budgetMs: 60_000 },
    );
    expect(results.map((r) => [r.name, r.samples])).toEqual([
      ['a', [0, 1, 2]],
      ['once', [0]],
    ]);
    expect(calls).toEqual(['a0', 'once0', 'a1', 'a2']);
  });
});
