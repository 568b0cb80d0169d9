import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkBundleBudget,
  type LoadSizes,
  measureS3upLoads,
  readBundleBudget,
} from '../../src/bundle-budget.js';

// The CI size check (issue 21): the render and first-upload loads of <s3-upload> may not
// grow more than 2 kB over the budget in bench/bundle-budget.json unless the same commit
// raises it. One esbuild build, a few seconds.
describe('bundle size budget', () => {
  let sizes: LoadSizes;
  beforeAll(async () => {
    sizes = await measureS3upLoads();
  }, 60_000);

  it('<s3-upload> renders and makes its first upload within the recorded budget (+2 kB)', async () => {
    const budget = await readBundleBudget();
    expect(budget.slack).toBe(2000);
    const checks = checkBundleBudget(sizes, budget);
    const over = checks.filter((c) => !c.ok).map((c) => c.message);
    expect(over, over.join('\n')).toEqual([]);
  });

  it('fails a load that grew more than 2,000 B past its budget, and only that one', () => {
    const checks = checkBundleBudget(sizes, {
      render: sizes.render - 2001,
      firstUpload: sizes.firstUpload - 2000,
      slack: 2000,
    });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['render', false],
      ['firstUpload', true],
    ]);
    expect(checks[0]!.message).toMatch(/render: \d+ B gzip, .*: 2001 B over\. .*raise "render"/);
  });
});
