import type { Benchmark } from '../benchmark.js';
import type { MemoryPeaks } from '../browser-session.js';
import type { BenchEnvironment } from '../environment.js';
import type { PageName } from '../page-bundle.js';
import { absoluteTarget, format, singles, type TargetResult } from '../results.js';
import { GiB, MiB, sizeLabel } from '../test-file.js';

const FLOOR_BYTES_PER_MS = (1 * MiB) / 1000;

async function measure(
  env: BenchEnvironment,
  name: PageName,
  size: number,
  partSize: number,
  concurrency: number,
) {
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
    sampleMemory: true,
  });
  await env.verifyObject(local, key, size);
  return memory!;
}

const mib = (bytes: number) => bytes / MiB;

export const memory: Benchmark = {
  id: 'memory',
  title: 'Browser memory during large uploads',
  order: 20,
  async run(env, settings) {
    const sizes = settings.quick ? [64 * MiB, 128 * MiB] : [1 * GiB, 3 * GiB];
    // s3up at every size (its target is "does not grow"). The peers are left out: at the
    // speed lib-storage reaches here a 1 GiB upload would take most of the run's budget.
    const plan: { name: PageName; size: number }[] = sizes.map((size) => ({ name: 's3up' as const, size }));
    await env.pages(['s3up']);
    const runs: { name: PageName; size: number; peaks: MemoryPeaks | null; error?: string }[] = [];
    for (const { name, size } of plan) {
      env.log(`  ${name}, ${sizeLabel(size)}`);
      try {
        const peaks = await measure(env, name, size, settings.partSize, settings.concurrency);
        runs.push({ name, size, peaks });
        env.log(
          `    peak JS heap ${format(mib(peaks.jsHeapUsed))} MiB, renderer ${format(mib(peaks.rendererRss))} MiB, all Chromium ${format(mib(peaks.chromiumRss))} MiB (${peaks.samples} samples)`,
        );
      } catch (error) {
        runs.push({ name, size, peaks: null, error: (error as Error).message });
        env.log(`    FAILED: ${(error as Error).message}`);
      }
    }
    const label = (r: (typeof runs)[number]) => `${r.name}, ${sizeLabel(r.size)}`;
    const row = (pick: (p: MemoryPeaks) => number) => (r: (typeof runs)[number]) => ({
      name: label(r),
      value: r.peaks ? mib(pick(r.peaks)) : null,
      ...(r.error ? { error: r.error } : {}),
    });
    const rendererComparison = singles(
      'memory-renderer',
      'Peak renderer process memory (RSS)',
      'MiB',
      false,
      runs.map(row((p) => p.rendererRss)),
    );
    const heapComparison = singles(
      'memory-heap',
      'Peak JS heap used (Performance.getMetrics)',
      'MiB',
      false,
      runs.map(row((p) => p.jsHeapUsed)),
    );
    heapComparison.targetNote = 'no target on the heap: the renderer process holds the parts';
    const chromiumComparison = singles(
      'memory-chromium',
      'Peak memory of all Chromium processes (RSS)',
      'MiB',
      false,
      runs.map(row((p) => p.chromiumRss)),
    );
    chromiumComparison.targetNote = 'no target: shown for the network service and browser process';
    const bound = (settings.concurrency + 1) * settings.partSize + 32 * MiB;
    const s3up = runs.filter((r) => r.name === 's3up');
    const targets: TargetResult[] = s3up.map((r) =>
      absoluteTarget(
        `s3up ${sizeLabel(r.size)}: peak renderer memory above its idle baseline ≤ (concurrency + 1) × part size + 32 MiB`,
        r.peaks ? mib(r.peaks.rendererRss - r.peaks.baseline.rendererRss) : null,
        mib(bound),
        'MiB',
        true,
        rendererComparison,
        `${label(r)} renderer peak − idle`,
      ),
    );
    const first = s3up[0]?.peaks;
    const last = s3up[s3up.length - 1]?.peaks;
    if (s3up.length > 1) {
      // "Does not grow": 3× the file may not cost more than one more part of renderer memory,
      // each size's peak taken over its own idle baseline (each runs in a fresh renderer, whose
      // idle size differs by a few MiB: comparing raw peaks would count that as growth).
      const aboveIdle = (p: NonNullable<typeof first>) => p.rendererRss - p.baseline.rendererRss;
      const growth = first && last ? mib(aboveIdle(last) - aboveIdle(first)) : null;
      targets.push(
        absoluteTarget(
          `s3up renderer peak does not grow with the file (${sizeLabel(s3up[0]!.size)} → ${sizeLabel(s3up[s3up.length - 1]!.size)}: growth ≤ one part)`,
          growth,
          mib(settings.partSize),
          'MiB',
          true,
          rendererComparison,
          'renderer peak growth',
        ),
      );
    }
    return {
      settings: {
        sizes: sizes.map(sizeLabel),
        partSize: sizeLabel(settings.partSize),
        concurrency: settings.concurrency,
        boundMiB: mib(bound),
        sampling: 'every 250 ms',
      },
      comparisons: [rendererComparison, heapComparison, chromiumComparison],
      targets,
      notes: [
        'One upload per row in a fresh browser context on a fresh cluster; memory sampled every 250 ms through the DevTools protocol (Performance.getMetrics for the JS heap; SystemInfo.getProcessInfo for process ids, whose VmRSS is read from /proc).',
        `Idle baselines (page loaded, before the file): ${runs
          .filter((r) => r.peaks)
          .map(
            (r) =>
              `${label(r)}: renderer ${format(mib(r.peaks!.baseline.rendererRss))} MiB, heap ${format(mib(r.peaks!.baseline.jsHeapUsed))} MiB`,
          )
          .join('; ')}.`,
        "The target is checked on the renderer's growth over its idle baseline: the page's own code and Chromium's fixed cost are not the upload's memory.",
      ],
    };
  },
};

export default memory;
