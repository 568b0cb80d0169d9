import type { Benchmark } from '../benchmark.js';
import { type Contender, runInterleaved } from '../interleave.js';
import { absoluteTarget, compare } from '../results.js';

/**
 * Issue 19: the page must stay responsive while photos are prepared for upload. 20 photos of
 * 12 megapixels (4000×3000 JPEGs with GPS EXIF) are each resized to 2048 px and given a 320 px
 * WebP thumbnail by core's image step, six at a time, with the codec in its Worker (the
 * default) and on the main thread (where a browser has no OffscreenCanvas in workers), in the
 * same run, interleaved. Figure: the longest main-thread long task; target: none over 50 ms
 * with the Worker.
 */
const photos: Benchmark = {
  id: 'photos',
  title: 'Photo processing: main-thread long tasks, Worker vs main thread',
  order: 37,
  async run(env, settings) {
    await env.pages(['photos']);
    const browser = await env.browser();
    const count = settings.quick ? 4 : 20;
    const [width, height] = [4000, 3000];
    const details: string[] = [];
    const contender = (thread: 'worker' | 'main'): Contender<number> => ({
      name: thread === 'worker' ? 'core image step, Worker (default)' : 'core image step, main thread',
      run: async () => {
        const context = await browser.newContext();
        try {
          const page = await browser.openPage(context, env.pageUrl('photos'));
          const r = await page.evaluate<{
            longest: number;
            blocking: number;
            longTasks: number;
            wallMs: number;
            threads: string[];
          }>(`window.benchPhotos(${JSON.stringify(thread)}, ${count}, ${width}, ${height})`, 300_000);
          if (r.threads.join() !== thread)
            throw new Error(`the photos were processed on ${r.threads.join()}, not ${thread}`);
          details.push(
            `${thread}: ${r.longTasks} long tasks, ${Math.round(r.blocking)} ms blocking in all, ${(r.wallMs / 1000).toFixed(1)} s for ${count} photos`,
          );
          return r.longest;
        } finally {
          await context.close();
        }
      },
    });
    const samples = await runInterleaved([contender('worker'), contender('main')], {
      rounds: settings.rounds,
      budgetMs: 10 * 60_000,
      log: env.log,
    });
    const comparison = compare(
      'photo-long-tasks',
      `Longest main-thread task while ${count} photos of 12 MP are resized and thumbnailed`,
      'ms',
      false,
      null,
      samples,
    );
    const worker = comparison.contenders[0]?.summary?.median ?? null;
    return {
      settings: {
        photos: count,
        pixels: `${width}×${height}`,
        resize: '2048 px JPEG + 320 px WebP',
        parallel: 6,
        rounds: settings.rounds,
      },
      comparisons: [comparison],
      targets: [
        absoluteTarget(
          'no main-thread long task over 50 ms while photos are processed in the Worker',
          worker,
          50,
          'ms',
          true,
          comparison,
          comparison.contenders[0]?.name,
        ),
      ],
      notes: [
        'Long tasks as Chromium reports them (PerformanceObserver "longtask"), 0 when there was none; the photos are generated (OffscreenCanvas) before the observer starts.',
        `Per round: ${details.join('; ')}.`,
      ],
    };
  },
};

export default photos;
