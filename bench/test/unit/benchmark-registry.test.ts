import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBenchmarks } from '../../src/benchmark-registry.js';
import { parseCliOptions } from '../../src/cli-options.js';

const dirs: string[] = [];
async function benchmarksDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's3up-bench-registry-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}
const benchmark = (id: string, order: number) =>
  `export default { id: '${id}', title: '${id}', order: ${order}, run: async () => ({ settings: {}, comparisons: [], targets: [], notes: [] }) };`;

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('benchmark registry: one file per benchmark', () => {
  it('finds every benchmark in its folder and orders them by `order`', async () => {
    const dir = await benchmarksDir({ 'b.js': benchmark('zeta', 1), 'a.js': benchmark('alpha', 2) });
    expect((await loadBenchmarks(dir)).map((b) => b.id)).toEqual(['zeta', 'alpha']);
  });

  it('refuses a module without a benchmark, and a duplicate id, naming the file', async () => {
    await expect(loadBenchmarks(await benchmarksDir({ 'x.js': 'export const y = 1;' }))).rejects.toThrow(
      /x\.js .*must export default a Benchmark/,
    );
    await expect(
      loadBenchmarks(await benchmarksDir({ 'a.js': benchmark('same', 1), 'b.js': benchmark('same', 2) })),
    ).rejects.toThrow(/b\.js: the id "same" is taken/);
  });

  it("holds the project's benchmarks, and the command line accepts exactly their ids", async () => {
    const ids = (await loadBenchmarks()).map((b) => b.id);
    expect(ids.slice(0, 2)).toEqual(['throughput', 'memory']);
    expect(ids).toContain('bundle-size');
    expect(parseCliOptions(['bundle-size', '--quick'], ids)).toMatchObject({
      benchmarks: ['bundle-size'],
      quick: true,
      rounds: 1,
    });
    expect(parseCliOptions([], ids).benchmarks).toEqual(ids);
    expect(parseCliOptions([], ids).merge).toBe(false);
    expect(parseCliOptions(['checksums', '--merge'], ids)).toMatchObject({
      benchmarks: ['checksums'],
      merge: true,
    });
    expect(() => parseCliOptions(['nope'], ids)).toThrow(/unknown benchmark "nope": pick from throughput/);
    // Imports every benchmark module (and what they measure) from source: seconds on a busy machine.
  }, 60_000);
});
