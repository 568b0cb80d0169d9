import type { Benchmark } from '../benchmark.js';
import type { MemoryPeaks, MemorySample } from '../browser-session.js';
import type { BenchEnvironment } from '../environment.js';
import type { PageName } from '../page-bundle.js';
import { absoluteTarget, compare, format, type TargetResult } from '../results.js';
import { summarize } from '../statistics.js';
import { GiB, MiB, sizeLabel } from '../test-file.js';

const FLOOR_BYTES_PER_MS = (1 * MiB) / 1000;

/**
 * `as-is`: the page left alone, garbage included (what the upload costs the machine at its
 * worst moment). `collected`: a full garbage collection in the page before each sample, so
 * a sample is what the page holds. The growth target is read on the second: garbage waiting
 * for V8 and Blink's collector grows with how long a run lasts (their heuristics let the heaps
 * grow over a run), whether the page keeps anything or not.
 */
type Mode = 'as-is' | 'collected';

async function measure(
  env: BenchEnvironment,
  name: PageName,
  size: number,
  partSize: number,
  concurrency: number,
  mode: Mode,
): Promise<MemoryPeaks> {
  const pageUrl = env.pageUrl(name);
  // A fresh cluster for every multi-GiB upload: the memory store keeps deleted parts.
  await env.backend.restart();
  const local = await env.backend.ensureRoom(size);
  const browser = await env.browser();
  const key = env.key(name);
  const { memory } = await browser.upload({
    pageUrl,
    filePath: await env.file(size),
    key,
    partSize,
    concurrency,
    timeoutMs: 60_000 + size / FLOOR_BYTES_PER_MS,
    sampleMemory: mode === 'collected' ? 'collected' : true,
  });
  await env.verifyObject(local, key, size);
  return memory!;
}

const mib = (bytes: number) => bytes / MiB;

interface Run {
  size: number;
  mode: Mode;
  peaks: MemoryPeaks | null;
  error?: string;
}

export const memory: Benchmark = {
  id: 'memory',
  title: 'Browser memory during large uploads',
  order: 20,
  async run(env, settings) {
    const sizes = settings.quick ? [64 * MiB, 128 * MiB] : [1 * GiB, 3 * GiB];
    const modes: Mode[] = ['as-is', 'collected'];
    // s3up at every size (its target is "does not grow"). The peers are left out: at the
    // speed lib-storage reaches here a 1 GiB upload would take most of the run's budget.
    await env.pages(['s3up']);
    const runs: Run[] = [];
    // Rounds interleave the sizes (1, 3, then 3, 1 GiB ...): a peak is one draw of a noisy
    // series, and the growth target compares two of them.
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? sizes : [...sizes].reverse();
      for (const size of order) {
        for (const mode of modes) {
          env.log(`  s3up, ${sizeLabel(size)}, ${mode}, round ${round}`);
          try {
            const peaks = await measure(env, 's3up', size, settings.partSize, settings.concurrency, mode);
            runs.push({ size, mode, peaks });
            const above = (pick: (s: MemorySample) => number) =>
              format(mib(pick(peaks) - pick(peaks.baseline)));
            env.log(
              `    above idle: renderer ${above((s) => s.rendererRss)} MiB resident, ${above((s) => s.rendererPrivate)} MiB private; peak JS heap ${format(mib(peaks.jsHeapUsed))} MiB; all Chromium ${format(mib(peaks.chromiumRss))} MiB (${peaks.samples} samples)`,
            );
          } catch (error) {
            runs.push({ size, mode, peaks: null, error: (error as Error).message });
            env.log(`    FAILED: ${(error as Error).message}`);
          }
        }
      }
    }
    const label = (size: number) => `s3up, ${sizeLabel(size)}`;
    const table = (id: string, title: string, mode: Mode, pick: (p: MemoryPeaks) => number) =>
      compare(
        id,
        title,
        'MiB',
        false,
        null,
        sizes.map((size) => {
          const mine = runs.filter((r) => r.size === size && r.mode === mode);
          return {
            name: label(size),
            samples: mine.filter((r) => r.peaks).map((r) => mib(pick(r.peaks!))),
            errors: mine.filter((r) => r.error).map((r) => r.error!),
          };
        }),
      );
    const aboveIdle = (pick: (s: MemorySample) => number) => (p: MemoryPeaks) => pick(p) - pick(p.baseline);
    const rendererComparison = table(
      'memory-renderer',
      'Peak renderer memory above idle (resident, VmRSS; garbage included)',
      'as-is',
      aboveIdle((s) => s.rendererRss),
    );
    const privateComparison = table(
      'memory-renderer-private',
      "Peak renderer private memory above idle (RssAnon + VmSwap, Chromium's footprint; garbage included)",
      'as-is',
      aboveIdle((s) => s.rendererPrivate),
    );
    privateComparison.targetNote = 'no target: shown beside the resident figure it leaves the binary out of';
    const heldComparison = table(
      'memory-renderer-held',
      'Peak renderer private memory above idle, a full GC before each sample (what the page holds)',
      'collected',
      aboveIdle((s) => s.rendererPrivate),
    );
    const heapComparison = table(
      'memory-heap',
      'Peak JS heap used (Performance.getMetrics)',
      'as-is',
      (p) => p.jsHeapUsed,
    );
    heapComparison.targetNote = 'no target on the heap: the renderer process holds the parts';
    const chromiumComparison = table(
      'memory-chromium',
      'Peak memory of all Chromium processes (RSS)',
      'as-is',
      (p) => p.chromiumRss,
    );
    chromiumComparison.targetNote = 'no target: shown for the network service and browser process';
    const median = (comparison: typeof rendererComparison, size: number) =>
      comparison.contenders.find((c) => c.name === label(size))?.summary?.median ?? null;
    const bound = (settings.concurrency + 1) * settings.partSize + 32 * MiB;
    const targets: TargetResult[] = sizes.map((size) =>
      absoluteTarget(
        `s3up ${sizeLabel(size)}: peak renderer memory above its idle baseline ≤ (concurrency + 1) × part size + 32 MiB (resident, garbage included, median of ${settings.rounds})`,
        median(rendererComparison, size),
        mib(bound),
        'MiB',
        true,
        rendererComparison,
        `${label(size)} renderer peak − idle`,
      ),
    );
    const growthOf = (comparison: typeof rendererComparison) => {
      const first = median(comparison, sizes[0]!);
      const last = median(comparison, sizes[sizes.length - 1]!);
      return first === null || last === null ? null : last - first;
    };
    // "Does not grow": 3× the file may not cost more than one more part of what the renderer
    // holds, each size's peak over its own idle baseline (each runs in a fresh renderer, whose
    // idle size differs by a few MiB: comparing raw peaks would count that as growth).
    targets.push(
      absoluteTarget(
        `s3up renderer memory does not grow with the file (${sizeLabel(sizes[0]!)} → ${sizeLabel(sizes[sizes.length - 1]!)}: growth ≤ one part; private memory, a full GC before each sample, medians of ${settings.rounds})`,
        growthOf(heldComparison),
        mib(settings.partSize),
        'MiB',
        true,
        heldComparison,
        'renderer held memory growth',
      ),
    );
    const spread = (comparison: typeof rendererComparison) =>
      comparison.contenders
        .map((c) =>
          c.summary
            ? `${c.name} ${format(c.summary.median)} (${c.samples.map((x) => format(x)).join(', ')})`
            : `${c.name} not measured`,
        )
        .join('; ');
    const growthNote = (comparison: typeof rendererComparison) => {
      const growth = growthOf(comparison);
      return growth === null ? 'not measured' : `${format(growth)} MiB`;
    };
    const baselines = runs.filter((r) => r.peaks).map((r) => r.peaks!.baseline.rendererRss);
    return {
      settings: {
        sizes: sizes.map(sizeLabel),
        partSize: sizeLabel(settings.partSize),
        concurrency: settings.concurrency,
        rounds: settings.rounds,
        boundMiB: mib(bound),
        sampling:
          "every 250 ms, the page's own renderer; as-is and with a full GC before each sample, in separate uploads",
      },
      comparisons: [
        rendererComparison,
        privateComparison,
        heldComparison,
        heapComparison,
        chromiumComparison,
      ],
      targets,
      notes: [
        `Each size ${settings.rounds} times in each mode, interleaved, every upload in a fresh browser context on a fresh cluster; memory sampled every 250 ms through the DevTools protocol (Performance.getMetrics for the JS heap; /proc/<pid>/status of the page's own renderer, found by a User Timing mark in a trace, and of every Chromium process).`,
        `Growth ${sizeLabel(sizes[0]!)} → ${sizeLabel(sizes[sizes.length - 1]!)} (medians): held private memory ${growthNote(heldComparison)} (the target); as-is private ${growthNote(privateComparison)}; as-is resident ${growthNote(rendererComparison)}. The as-is figures include garbage awaiting collection (in this page no major GC runs during the upload: V8 sizes its limits after its first full collection, and the page allocates too little to reach one, so each part's XMLHttpRequest state and progress events stay in Blink's heap until then) and, for resident memory, the Chromium binary's code pages a longer run touches.`,
        `Per upload (MiB above idle): resident ${spread(rendererComparison)}; held ${spread(heldComparison)}.`,
        `Idle renderer (page loaded, before the file): ${baselines.length ? `${format(mib(summarize(baselines).min))} to ${format(mib(summarize(baselines).max))} MiB resident` : 'not measured'}.`,
        "The targets are checked on the renderer's growth over its idle baseline: the page's own code and Chromium's fixed cost are not the upload's memory.",
      ],
    };
  },
};

export default memory;
