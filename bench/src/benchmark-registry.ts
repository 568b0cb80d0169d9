import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BenchError } from './bench-error.js';
import type { Benchmark } from './benchmark.js';

const benchmarksDir = join(dirname(fileURLToPath(import.meta.url)), 'benchmarks');

function isBenchmark(value: unknown): value is Benchmark {
  const b = value as Benchmark | undefined;
  return (
    typeof b?.id === 'string' &&
    typeof b.title === 'string' &&
    typeof b.order === 'number' &&
    typeof b.run === 'function'
  );
}

/**
 * Every benchmark in src/benchmarks/ (each module's default export), in run order. Adding
 * a benchmark is adding one file there: no list to edit, so helpers working at the same
 * time do not collide. A module that exports no benchmark, or a duplicate id, stops the run
 * before anything starts.
 */
export async function loadBenchmarks(dir = benchmarksDir): Promise<Benchmark[]> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    if (!isBenchmark(module.default))
      throw new BenchError(
        'invalid-benchmark',
        `${file} in ${dir} must export default a Benchmark ({ id, title, order, run }): see src/benchmark.ts`,
      );
    const clash = benchmarks.find((b) => b.id === (module.default as Benchmark).id);
    if (clash) throw new BenchError('invalid-benchmark', `${file}: the id "${clash.id}" is taken`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(module.default.id))
      throw new BenchError(
        'invalid-benchmark',
        `${file}: id "${module.default.id}" must be lowercase words joined by -`,
      );
    benchmarks.push(module.default);
  }
  return benchmarks.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
