import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { runInterleaved } from '../interleave.js';
import { absoluteTarget, compare } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';

const FLOOR_BYTES_PER_MS = (1 * MiB) / 1000;

export const resume: Benchmark = {
  id: 'resume',
  title: 'Resume savings after a reload',
  order: 60,
  async run(env, settings) {
    const size = settings.quick ? 64 * MiB : 256 * MiB;
    await env.pages(['s3up']);
    await env.backend.restart();
    const samples = await runInterleaved(
      [
        {
          name: 's3up',
          run: async () => {
            const pageUrl = env.pageUrl('s3up');
            const local = await env.backend.ensureRoom(2 * size);
            const browser = await env.browser();
            const tap = await env.tap();
            const file = await env.file(size);
            const key = env.key('s3up');
            const timeoutMs = 60_000 + size / FLOOR_BYTES_PER_MS;
            // One context for both page loads: the resume record lives in its IndexedDB.
            const context = await browser.newContext();
            try {
              tap.reset();
              const page = await browser.openPage(context, pageUrl);
              const first = browser.runUpload(
                page,
                file,
                { key, partSize: settings.partSize, concurrency: settings.concurrency },
                timeoutMs,
              );
              first.catch(() => {});
              const deadline = Date.now() + timeoutMs;
              while (tap.stats.uploadPartBytes < size / 2) {
                if (Date.now() > deadline) throw new BenchError('timeout', 'the upload never reached 50%');
                await new Promise((r) => setTimeout(r, 50));
              }
              const sentBeforeReload = tap.stats.uploadPartBytes;
              await page.reload();
              await page.waitFor("typeof window.benchUpload === 'function'", 30_000);
              const bytesAtReload = tap.stats.uploadPartBytes;
              await browser.runUpload(
                page,
                file,
                { key, partSize: settings.partSize, concurrency: settings.concurrency },
                timeoutMs,
              );
              await env.verifyObject(local, key, size);
              const resent = tap.stats.uploadPartBytes - size;
              env.log(
                `    reload after ${sizeLabel(sentBeforeReload)} on the wire (${sizeLabel(bytesAtReload)} when the page was gone); ${sizeLabel(tap.stats.uploadPartBytes)} sent in all`,
              );
              return resent / MiB;
            } finally {
              await context.close();
            }
          },
        },
      ],
      { rounds: settings.rounds, budgetMs: settings.quick ? 5 * 60_000 : 10 * 60_000, log: env.log },
    );
    const comparison = compare(
      'resume-resent',
      `Bytes re-sent after a reload at 50% of ${sizeLabel(size)}`,
      'MiB',
      false,
      null,
      samples,
    );
    const resent = comparison.contenders[0]?.summary?.median ?? null;
    return {
      settings: {
        file: sizeLabel(size),
        partSize: sizeLabel(settings.partSize),
        concurrency: settings.concurrency,
        rounds: settings.rounds,
      },
      comparisons: [comparison],
      targets: [
        absoluteTarget(
          'bytes re-sent ≤ one part per connection (concurrency × part size)',
          resent,
          (settings.concurrency * settings.partSize) / MiB,
          'MiB',
          true,
        ),
      ],
      notes: [
        "The page is reloaded once the tap has seen half the file's bytes in UploadPart bodies; after the reload the same file is picked again in the same browser context (the resume record is in its IndexedDB). Re-sent = every UploadPart body byte the tap saw, minus the file size.",
        'Only s3up is measured: lib-storage cannot resume an existing upload (aws-sdk-js-v3#3509, #6832), and Uppy needs its Golden Retriever plugin, which is not part of this comparison.',
      ],
    };
  },
};

export default resume;
