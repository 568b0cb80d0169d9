import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBenchError } from './bench-error.js';
import type { RunSettings } from './benchmark.js';
import { loadBenchmarks } from './benchmark-registry.js';
import { parseCliOptions, usage } from './cli-options.js';
import { BenchEnvironment } from './environment.js';
import { machineInfo } from './machine.js';
import { renderMarkdown } from './report-markdown.js';
import { renderSvg } from './report-svg.js';
import { renderTable } from './report-table.js';
import { type BenchmarkResult, type RunResult, writeText } from './results.js';
import { MiB } from './test-file.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<number> {
  const known = await loadBenchmarks();
  const ids = known.map((b) => b.id);
  const options = parseCliOptions(process.argv.slice(2), ids);
  if (options.help) {
    console.log(usage(ids));
    return 0;
  }
  // pnpm runs the script in bench/: a relative --out is meant from where the user typed it.
  const outDir = options.outDir
    ? resolve(process.env.INIT_CWD ?? process.cwd(), options.outDir)
    : join(benchDir, 'results');
  const settings: RunSettings = {
    quick: options.quick,
    rounds: options.rounds,
    // The engine's default part size and the browser's per-origin HTTP/1.1 connection limit.
    partSize: 8 * MiB,
    concurrency: 6,
    outDir,
  };
  const log = (line: string) => console.log(line);
  const startedAt = new Date();
  const machine = await machineInfo();
  log(
    `s3up bench: ${options.benchmarks.join(', ')}${options.quick ? ' (quick)' : ''}, ${settings.rounds} round(s)`,
  );
  log(
    `  ${machine.cpu} x${machine.cores}, load ${machine.loadAverage}, ${machine.chromium}, node ${machine.node}`,
  );
  const workDir = await mkdtemp(join(tmpdir(), 's3up-bench-'));
  const env = new BenchEnvironment({ workDir, log });
  const results: BenchmarkResult[] = [];
  const thisRun = {
    startedAt: startedAt.toISOString(),
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    mode: options.quick ? ('quick' as const) : ('full' as const),
    commit: machine.git.commit,
    loadAverage: machine.loadAverage,
  };
  // --merge: the benchmarks of the report before this run that it does not repeat, each
  // labelled with the run that measured it.
  const kept = options.merge ? await earlierBenchmarks(join(outDir, 'latest.json'), options.benchmarks) : [];
  const report = async (): Promise<RunResult> => {
    const all = [...kept, ...results].sort(
      (a, b) =>
        (known.find((k) => k.id === a.id)?.order ?? 0) - (known.find((k) => k.id === b.id)?.order ?? 0),
    );
    const targets = all.flatMap((b) => b.comparisons.flatMap((c) => c.targets));
    const run: RunResult = {
      schema: 2,
      noisy: all.some((b) => b.comparisons.some((c) => c.noisy)),
      verdicts: {
        met: targets.filter((t) => t.met === true).length,
        missed: targets.filter((t) => t.met === false).length,
        notMeasured: targets.filter((t) => t.met === null).length,
      },
      mode: options.quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
      machine,
      benchmarks: all,
    };
    await mkdir(outDir, { recursive: true });
    await writeText(join(outDir, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
    await writeText(join(outDir, 'latest.md'), renderMarkdown(run));
    await writeText(join(outDir, 'latest.svg'), renderSvg(run));
    return run;
  };
  const stopSignals = () => {
    log('interrupted: stopping the local backend and Chromium');
    void env.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopSignals);
  process.once('SIGTERM', stopSignals);
  try {
    for (const id of options.benchmarks) {
      const benchmark = known.find((b) => b.id === id)!;
      const started = Date.now();
      log(`\n${benchmark.title}`);
      try {
        const result = await benchmark.run(env, settings);
        results.push({
          id,
          title: benchmark.title,
          ...result,
          durationMs: Date.now() - started,
          run: thisRun,
        });
        // Written after every benchmark, so an interrupted run still leaves what it measured.
        await report();
      } catch (error) {
        const message = isBenchError(error) ? `${error.code}: ${error.message}` : String(error);
        log(`  FAILED: ${message}`);
        results.push({
          id,
          title: benchmark.title,
          settings: {},
          comparisons: [],
          targets: [],
          notes: [],
          error: message,
          durationMs: Date.now() - started,
          run: thisRun,
        });
      }
    }
  } finally {
    await env.close();
    await rm(workDir, { recursive: true, force: true });
  }
  const run = await report();
  log(renderTable(run));
  log(`\nwrote ${join(outDir, 'latest.json')}, latest.md, latest.svg`);
  return results.some((r) => r.error) ? 1 : 0;
}

/** The benchmarks of an earlier latest.json other than `rerun`, each with the run that measured it. */
async function earlierBenchmarks(path: string, rerun: readonly string[]): Promise<BenchmarkResult[]> {
  let earlier: RunResult;
  try {
    earlier = JSON.parse(await readFile(path, 'utf8')) as RunResult;
  } catch {
    return [];
  }
  if (earlier.schema !== 2) return [];
  return earlier.benchmarks
    .filter((b) => !rerun.includes(b.id))
    .map((b) => ({
      ...b,
      run: b.run ?? {
        startedAt: earlier.startedAt,
        command: earlier.command,
        mode: earlier.mode,
        commit: earlier.machine.git.commit,
        loadAverage: earlier.machine.loadAverage,
      },
    }));
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(isBenchError(error) ? error.message : error);
    process.exit(2);
  },
);
