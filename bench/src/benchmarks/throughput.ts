import { BenchError, isBenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import type { BenchEnvironment } from '../environment.js';
import { type Contender, runInterleaved } from '../interleave.js';
import { limitUpload } from '../limit-upload.js';
import type { PageName } from '../page-bundle.js';
import { type Comparison, compare, relativeTarget, type TargetResult } from '../results.js';
import { mibPerSecond } from '../statistics.js';
import { GiB, MiB, sizeLabel } from '../test-file.js';

/**
 * Slowest throughput a round may have before it is cut off (bounds every round in time):
 * 2 MiB/s, a tenth of what the limit reaches here on a quiet machine.
 */
const FLOOR_BYTES_PER_MS = (2 * MiB) / 1000;

/**
 * Contenders that were cut off: their later rounds and larger files are skipped, since they
 * cannot finish them within the floor either (each would only burn the run's time budget).
 */
const tooSlow = new Map<string, string>();

/** One browser contender's round: a fresh page, the file from disk, the upload, then proof it landed. */
export function browserContender(
  env: BenchEnvironment,
  name: PageName,
  size: number,
  partSize: number,
  concurrency: number,
): Contender<number> {
  return {
    name,
    run: async () => {
      const skipped = tooSlow.get(name);
      if (skipped) throw new BenchError('timeout', `skipped: ${skipped}`);
      const pageUrl = env.pageUrl(name);
      const local = await env.backend.ensureRoom(size);
      const browser = await env.browser();
      const key = env.key(name);
      const timeoutMs = 60_000 + size / FLOOR_BYTES_PER_MS;
      const { result } = await browser
        .upload({ pageUrl, filePath: await env.file(size), key, partSize, concurrency, timeoutMs })
        .catch((error: unknown) => {
          if (isBenchError(error) && error.code === 'timeout')
            tooSlow.set(
              name,
              `did not finish ${sizeLabel(size)} within ${Math.round(timeoutMs / 1000)} s (under ~2 MiB/s)`,
            );
          throw error;
        });
      await env.verifyObject(local, key, size);
      return mibPerSecond(size, result.finishedAt - result.startedAt);
    },
  };
}

export function limitContender(env: BenchEnvironment, size: number, partSize: number, concurrency: number) {
  return {
    name: 'limit',
    run: async () => {
      const local = await env.backend.ensureRoom(size);
      const key = env.key('limit');
      const ms = await limitUpload({
        endpoint: (await env.tap()).endpoint,
        region: local.region,
        bucket: local.bucket,
        key,
        path: await env.file(size),
        size,
        partSize,
        concurrency,
        keys: await env.credentials(),
      });
      await env.verifyObject(local, key, size);
      return mibPerSecond(size, ms);
    },
  } satisfies Contender<number>;
}

export const throughput: Benchmark = {
  id: 'throughput',
  title: '1. Upload throughput in headless Chromium',
  async run(env, settings) {
    const sizes = settings.quick ? [32 * MiB] : [256 * MiB, 1 * GiB];
    const browserNames: PageName[] = ['s3up', 'lib-storage', 'uppy'];
    tooSlow.clear();
    await env.pages(browserNames);
    const comparisons: Comparison[] = [];
    const targets: TargetResult[] = [];
    for (const size of sizes) {
      env.log(` ${sizeLabel(size)}`);
      await env.file(size);
      // Each size starts on a fresh cluster: the previous size's parts are still in its memory.
      await env.backend.restart();
      const samples = await runInterleaved(
        [
          limitContender(env, size, settings.partSize, settings.concurrency),
          ...browserNames.map((n) => browserContender(env, n, size, settings.partSize, settings.concurrency)),
        ],
        { rounds: settings.rounds, budgetMs: settings.quick ? 5 * 60_000 : 20 * 60_000, log: env.log },
      );
      const comparison = compare(
        `throughput-${size}`,
        `Throughput, ${sizeLabel(size)} file`,
        'MiB/s',
        true,
        'limit',
        samples,
      );
      comparisons.push(comparison);
      targets.push(
        relativeTarget(`${sizeLabel(size)}: s3up ≥ 0.9 × the limit`, comparison, 's3up', 'limit', 0.9),
        relativeTarget(`${sizeLabel(size)}: s3up ≥ lib-storage`, comparison, 's3up', 'lib-storage', 1),
        relativeTarget(`${sizeLabel(size)}: s3up ≥ 1.5 × Uppy`, comparison, 's3up', 'uppy', 1.5),
      );
    }
    return {
      settings: {
        sizes: sizes.map(sizeLabel),
        partSize: sizeLabel(settings.partSize),
        concurrency: settings.concurrency,
        rounds: settings.rounds,
      },
      comparisons,
      targets,
      notes: [
        "Browser contenders are timed from the file being added (the input's change event; credentials fetch included) to the end of the upload (for s3up, after its own HeadObject check); the limit from CreateMultipartUpload to CompleteMultipartUpload. Every object is then checked in the bucket (HeadObject size) before the round counts.",
        "Every contender, the limit included, reaches RGW through the same pass-through tap on 127.0.0.1 (it answers CORS preflights, which RGW 16 refuses for presigned URLs such as Uppy's).",
        'The limit sends the same parts from Node with hand-signed SigV4 over keep-alive HTTP (no SDK, no retries, UNSIGNED-PAYLOAD): what the local RGW can take with this part size and concurrency.',
        "A round that runs under ~2 MiB/s is cut off (60 s + size at 2 MiB/s) and that contender's later rounds and larger files are skipped: they are reported as failures, not figures.",
        'Uppy 6 uploads the parts of one file one after the other (its `limit` is files in parallel), so concurrency does not apply to it.',
      ],
    };
  },
};
