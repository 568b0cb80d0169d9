import type { LocalS3 } from '@s3up/testkit';
import { BenchError, isBenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import { benchClassifier, type ProcessClassifier } from '../cpu-accounting.js';
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

/** A browser contender: which page, with which part size, and why. */
export interface BrowserVariant {
  /** The name in the report, e.g. `lib-storage 8 MiB`. */
  name: string;
  page: PageName;
  partSize: number;
  /** The setting and the reason for it, shown in the report. */
  setting: string;
  /** Appended to the page's URL (e.g. `?checksums=on`). */
  query?: string;
}

/** Every browser contender of the comparison, each with the setting it is measured at and why. */
export function browserVariants(partSize: number, concurrency: number): BrowserVariant[] {
  return [
    {
      name: 's3up',
      page: 's3up',
      partSize,
      setting: `<s3-upload> defaults: ${sizeLabel(partSize)} parts, ${concurrency} in flight`,
    },
    {
      name: 'ceiling',
      page: 'ceiling',
      partSize,
      setting: `bare in-page uploader: presigned XHR PUTs of Blob slices, ${sizeLabel(partSize)} parts, ${concurrency} in flight, no SDK, no UI, no retries: the browser's own limit`,
    },
    {
      name: 'lib-storage 5 MiB',
      page: 'lib-storage',
      partSize: 5 * MiB,
      setting: `its default part size (5 MiB), queueSize ${concurrency}`,
    },
    {
      name: 'lib-storage 8 MiB − 1 B',
      page: 'lib-storage',
      partSize: 8 * MiB - 1,
      setting: `the largest part its SigV4 body hash keeps in WebCrypto: at 8 MiB the SDK's SHA-256 switches to pure JS; queueSize ${concurrency}`,
    },
    {
      name: 'lib-storage 8 MiB',
      page: 'lib-storage',
      partSize: 8 * MiB,
      setting: `s3up's part size, queueSize ${concurrency} (the SDK hashes each 8 MiB body in pure JS)`,
    },
    {
      name: 'uppy 8 MiB',
      page: 'uppy',
      partSize: 8 * MiB,
      setting: `s3up's part size; limit ${concurrency} (files in parallel: one file's parts go one at a time, uppy#6547)`,
    },
    {
      name: `uppy ${sizeLabel(UPPY_BEST_PART)}`,
      page: 'uppy',
      partSize: UPPY_BEST_PART,
      setting: `its best single-file setting here: larger parts make up for parts sent one at a time (32–64 MiB measured about +15% over 8 MiB)`,
    },
  ];
}

/** s3up with `flightTime` 0: the admission before issue 20's flight controller. */
const FLIGHT_OFF = 's3up, flightTime 0';
function flightOff(settings: { partSize: number; concurrency: number }): BrowserVariant {
  return {
    name: FLIGHT_OFF,
    page: 's3up',
    partSize: settings.partSize,
    query: '?flight=off',
    setting: `<s3-upload flight-time="0">: the flight controller off, always ${settings.concurrency} parts in flight (how s3up sent before issue 20), for the A/B of its cost on an unthrottled link`,
  };
}

/** Uppy's best part size for one file on this machine (issue 21's profile: 32–64 MiB). */
export const UPPY_BEST_PART = 64 * MiB;

/** The machine's own processes, for per-process CPU per MiB (see cpu-accounting.ts). */
export function benchCpu(env: BenchEnvironment): () => ProcessClassifier {
  return () => benchClassifier({ browserPid: env.browserPid, backendDir: env.backend.dir });
}

/** One browser contender's round: a fresh page, the file from disk, the upload, then proof it landed. */
export function browserContender(
  env: BenchEnvironment,
  variant: BrowserVariant,
  size: number,
  concurrency: number,
): Contender<number> {
  const { name, page, partSize } = variant;
  let local: LocalS3;
  let filePath: string;
  return {
    name,
    setting: variant.setting,
    bytes: size,
    prepare: async () => {
      local = await env.backend.ensureRoom(size);
      filePath = await env.file(size);
      await env.browser();
    },
    run: async (_round, measured) => {
      const skipped = tooSlow.get(name);
      if (skipped) throw new BenchError('timeout', `skipped: ${skipped}`);
      const pageUrl = env.pageUrl(page) + (variant.query ?? '');
      const browser = await env.browser();
      const key = env.key(page);
      const timeoutMs = 60_000 + size / FLOOR_BYTES_PER_MS;
      const { result } = await browser
        .upload({ pageUrl, filePath, key, partSize, concurrency, timeoutMs, done: measured })
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
  let local: LocalS3;
  let path: string;
  return {
    name: 'limit',
    setting: `Node, no browser: hand-signed SigV4 over keep-alive HTTP, ${sizeLabel(partSize)} parts, ${concurrency} in flight: what the backend takes`,
    bytes: size,
    prepare: async () => {
      local = await env.backend.ensureRoom(size);
      path = await env.file(size);
    },
    run: async () => {
      const key = env.key('limit');
      const ms = await limitUpload({
        endpoint: (await env.tap()).endpoint,
        region: local.region,
        bucket: local.bucket,
        key,
        path,
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

/** The contender of `comparison` whose name starts with `prefix` and has the best median. */
export function bestOf(comparison: Comparison, prefix: string): string {
  const candidates = comparison.contenders.filter((c) => c.name.startsWith(prefix) && c.summary);
  candidates.sort((a, b) =>
    comparison.higherIsBetter ? b.summary!.median - a.summary!.median : a.summary!.median - b.summary!.median,
  );
  return candidates[0]?.name ?? prefix;
}

export const throughput: Benchmark = {
  id: 'throughput',
  title: 'Upload throughput in headless Chromium',
  order: 10,
  async run(env, settings) {
    const sizes = settings.quick ? [32 * MiB] : [256 * MiB, 1 * GiB];
    const variants = browserVariants(settings.partSize, settings.concurrency);
    tooSlow.clear();
    await env.pages([...new Set(variants.map((v) => v.page))]);
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
          ...variants.map((v) => browserContender(env, v, size, settings.concurrency)),
          // The flight controller's A/B at the first size only (one size keeps it cheap).
          ...(size === sizes[0]
            ? [browserContender(env, flightOff(settings), size, settings.concurrency)]
            : []),
        ],
        {
          rounds: settings.rounds,
          budgetMs: settings.quick ? 10 * 60_000 : 25 * 60_000,
          log: env.log,
          cpu: benchCpu(env),
        },
      );
      const comparison = compare(
        `throughput-${size}`,
        `Throughput, ${sizeLabel(size)} file`,
        'MiB/s',
        true,
        'ceiling',
        samples,
      );
      comparisons.push(comparison);
      if (size === sizes[0])
        targets.push(
          relativeTarget(
            `${sizeLabel(size)}, unthrottled: s3up ≥ 0.95 × s3up with the flight controller off (issue 20: the time-bounded flight costs ≤ 5%)`,
            comparison,
            's3up',
            FLIGHT_OFF,
            0.95,
          ),
        );
      const libStorage = bestOf(comparison, 'lib-storage');
      const uppy = bestOf(comparison, 'uppy');
      targets.push(
        relativeTarget(
          `${sizeLabel(size)}: s3up ≥ 0.9 × the browser ceiling`,
          comparison,
          's3up',
          'ceiling',
          0.9,
        ),
        relativeTarget(
          `${sizeLabel(size)}: s3up ≥ 1.3 × lib-storage at its best setting (${libStorage})`,
          comparison,
          's3up',
          libStorage,
          1.3,
        ),
        relativeTarget(
          `${sizeLabel(size)}: s3up ≥ 1.5 × Uppy 6 at its best setting (${uppy})`,
          comparison,
          's3up',
          uppy,
          1.5,
        ),
      );
    }
    return {
      settings: {
        sizes: sizes.map(sizeLabel),
        partSize: sizeLabel(settings.partSize),
        concurrency: settings.concurrency,
        rounds: settings.rounds,
        driver: 'Chromium over --remote-debugging-pipe, DevTools Network domain never enabled',
      },
      comparisons,
      targets,
      notes: [
        "Browser contenders are timed from the file being added (the input's change event; credentials fetch included) to the end of the upload (for s3up, after its own HeadObject check); the limit from CreateMultipartUpload to CompleteMultipartUpload. Every object is then checked in the bucket (HeadObject size) before the round counts.",
        'Chromium is driven over its DevTools pipe without the Network domain (no contender pays for DevTools copying request bodies; with Playwright attached lib-storage, which sends byte arrays, lost most of its speed to it).',
        "Every contender, the limit included, reaches RGW through the same pass-through tap on 127.0.0.1 (it answers CORS preflights, which RGW 16 refuses for presigned URLs such as Uppy's).",
        "The ratio column divides by the browser ceiling: the bare in-page uploader. The limit (Node, no browser) shows what the backend takes; the gap between the two is the cost of Chromium's own upload path on this CPU-bound machine.",
        "CPU per MiB: each process's user+system time over the round (/proc), by group; \"others\" is every process not the harness's (other sessions on the shared machine). A round in which others used more than a tenth of the machine's CPU is marked noisy.",
        "A round that runs under ~2 MiB/s is cut off (60 s + size at 2 MiB/s) and that contender's later rounds and larger files are skipped: they are reported as failures, not figures.",
      ],
    };
  },
};

export default throughput;
