import { resolveImageOptions } from '../../../packages/core/src/image/image-options.js';
import { prepareImage } from '../../../packages/core/src/image/image-preparation.js';
import { ImageRunner } from '../../../packages/core/src/image/image-runner.js';
import { testPhoto } from '../../../packages/testkit/src/test-photo.js';

// Main-thread blocking while the engine prepares photos (issue 19): `count` JPEGs of
// width×height, each resized to 2048 px and given a 320 px WebP thumbnail, six at a time (the
// uploader's default concurrency starts six files at once), with the codec in the Worker or
// on the main thread. Long tasks (over 50 ms, PerformanceObserver) are what the page's user
// feels as a frozen page; the photos are made before the observer starts.
declare global {
  interface Window {
    benchPhotos?: (
      thread: 'worker' | 'main',
      count: number,
      width: number,
      height: number,
    ) => Promise<{ longest: number; blocking: number; longTasks: number; wallMs: number; threads: string[] }>;
  }
}

const PARALLEL = 6;

window.benchPhotos = async (thread, count, width, height) => {
  const bytes = await testPhoto(width, height, {
    exif: { make: 'bench', gps: { latitude: 48.85, longitude: 2.29 } },
  });
  const files = Array.from(
    { length: count },
    (_, i) =>
      new File([bytes as Uint8Array<ArrayBuffer>], `photo-${i}.jpg`, { type: 'image/jpeg', lastModified: i }),
  );
  const settings = resolveImageOptions({ maxDimension: 2048, thumbnails: [{ width: 320 }], thread })!;
  const runner = new ImageRunner(thread);
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const threads = new Set<string>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < files.length) {
        const file = files[next++]!;
        const prepared = await prepareImage(file, file.name, settings, async () => runner);
        if (prepared?.report.processing !== 'resized' || prepared.renditions.length !== 1)
          throw new Error(
            `${file.name} was not resized with a thumbnail: ${JSON.stringify(prepared?.report)}`,
          );
        threads.add(prepared.report.thread ?? 'none');
      }
    }),
  );
  const wallMs = performance.now() - started;
  // Long tasks are reported after they end: one more task turn lets the last one in.
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const entry of observer.takeRecords()) durations.push(entry.duration);
  observer.disconnect();
  runner.dispose();
  return {
    longest: durations.length ? Math.max(...durations) : 0,
    blocking: durations.reduce((sum, d) => sum + (d - 50), 0),
    longTasks: durations.length,
    wallMs,
    threads: [...threads],
  };
};
// The harness waits for benchUpload to know the page is ready.
window.benchUpload = async () => {
  throw new Error('the photos page does not upload');
};
