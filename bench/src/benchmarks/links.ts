import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import type { BenchEnvironment } from '../environment.js';
import { type ContenderSamples, runInterleaved } from '../interleave.js';
import type { PageName } from '../page-bundle.js';
import '../pages/links-protocol.js';
import { absoluteTarget, type Comparison, compare, medianOf, type TargetResult } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';

// Issue 20: what a pause and a reload at 50% throw away on slow uplinks. Each contender
// uploads a file scaled to the link (about 20 s of it) in Chromium throttled with DevTools
// network conditions; the wire tap counts every UploadPart body byte that reached the
// server, cut requests included. Wasted = bytes on the wire minus the file size.

const CONTENDERS: { name: string; page: PageName }[] = [
  { name: 's3up', page: 'links-s3up' },
  { name: 'uppy', page: 'links-uppy' },
  { name: 'lib-storage', page: 'links-lib-storage' },
];
// s3up's promise (packages/core README, flightTime): at most max(5 MiB, 10 s of the uplink).
const FLIGHT_SECONDS = 10;

type Scenario = 'pause' | 'reload';

async function waitForWire(env: BenchEnvironment, bytes: number, timeoutMs: number): Promise<void> {
  const tap = await env.tap();
  const deadline = Date.now() + timeoutMs;
  while (tap.stats.uploadPartBytes < bytes) {
    if (Date.now() > deadline)
      throw new BenchError('timeout', `the upload never reached ${sizeLabel(bytes)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One round: upload, interrupt at 50%, continue; returns MiB wasted (and the resume latency). */
async function round(
  env: BenchEnvironment,
  contender: { name: string; page: PageName },
  scenario: Scenario,
  rate: number,
  size: number,
  partSize: number,
  concurrency: number,
  latencies: number[],
): Promise<number> {
  const local = await env.backend.ensureRoom(2 * size);
  const browser = await env.browser();
  const tap = await env.tap();
  const file = await env.file(size);
  const key = env.key(contender.name);
  // Three times the file's time on the link, plus a minute: a contender that re-sends all
  // of it twice still finishes; one that hangs is cut off and reported as failed.
  const timeoutMs = 60_000 + (3 * size * 1000) / rate;
  // One context for both page loads: the resume state lives in its IndexedDB.
  const context = await browser.newContext();
  try {
    tap.reset();
    const page = await browser.openPage(context, env.pageUrl(contender.page));
    await browser.throttleUplink(page, rate);
    const options = { key, partSize, concurrency };
    const first = browser.runUpload(page, file, options, timeoutMs);
    first.catch(() => {});
    await waitForWire(env, size / 2, timeoutMs);
    if (scenario === 'pause') {
      await page.evaluate('window.benchPause()', timeoutMs);
      await page.evaluate('window.benchResume()');
      await first;
      const latency = await page.evaluate<number | null>('window.benchResumeLatency()');
      if (latency !== null) latencies.push(latency);
    } else {
      await page.reload();
      await page.waitFor("typeof window.benchUpload === 'function'", 30_000);
      await browser.throttleUplink(page, rate);
      await browser.runUpload(page, file, options, timeoutMs);
    }
    await env.verifyObject(local, key, size);
    const wasted = Math.max(0, tap.stats.uploadPartBytes - size);
    env.log(
      `    ${contender.name}, ${scenario} at ${sizeLabel(rate)}/s: ${sizeLabel(tap.stats.uploadPartBytes)} on the wire for ${sizeLabel(size)}`,
    );
    return wasted / MiB;
  } finally {
    await context.close();
  }
}

export const links: Benchmark = {
  id: 'links',
  title: 'Slow links: bytes wasted by a pause and by a reload at 50%',
  order: 65,
  async run(env, settings) {
    const rates = [1 * MiB, 2 * MiB, 4 * MiB];
    const seconds = settings.quick ? 12 : 20;
    // 5 MiB parts for everyone (S3's smallest): the fairest ground for the contenders whose
    // part size is fixed; s3up chooses its own within it.
    const partSize = 5 * MiB;
    await env.pages(CONTENDERS.map((c) => c.page));
    await env.backend.restart();
    const comparisons: Comparison[] = [];
    const targets: TargetResult[] = [];
    const latencies: number[] = [];
    for (const rate of rates) {
      const size = Math.round((rate * seconds) / MiB) * MiB;
      const bound = Math.max(5 * MiB, FLIGHT_SECONDS * rate) / MiB;
      for (const scenario of ['pause', 'reload'] as const) {
        const samples: ContenderSamples<number>[] = await runInterleaved(
          CONTENDERS.map((contender) => ({
            name: contender.name,
            run: () =>
              round(
                env,
                contender,
                scenario,
                rate,
                size,
                partSize,
                settings.concurrency,
                contender.name === 's3up' ? latencies : [],
              ),
          })),
          { rounds: settings.rounds, budgetMs: (settings.quick ? 6 : 20) * 60_000, log: env.log },
        );
        const comparison = compare(
          `links-${scenario}-${rate / MiB}`,
          `Bytes wasted by a ${scenario} at 50% of ${sizeLabel(size)}, uplink ${sizeLabel(rate)}/s`,
          'MiB',
          false,
          null,
          samples,
        );
        comparisons.push(comparison);
        const s3up = medianOf(comparison, 's3up');
        targets.push(
          absoluteTarget(
            `${scenario}, ${sizeLabel(rate)}/s: s3up ≤ max(5 MiB, 10 s of uplink)`,
            s3up,
            bound,
            'MiB',
            true,
            comparison,
          ),
        );
        const others = CONTENDERS.filter((c) => c.name !== 's3up')
          .map((c) => medianOf(comparison, c.name))
          .filter((m): m is number => m !== null);
        targets.push(
          absoluteTarget(
            `${scenario}, ${sizeLabel(rate)}/s: s3up ≤ the best contender`,
            // No contender finished a round: there is nothing to compare with (not "missed").
            others.length > 0 ? s3up : null,
            others.length > 0 ? Math.min(...others) : 0,
            'MiB',
            true,
            comparison,
          ),
        );
      }
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const medianLatency = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! / 1000 : null;
    targets.push(
      absoluteTarget('s3up: Resume to the first progress event ≤ 1 s (median)', medianLatency, 1, 's', true),
    );
    return {
      settings: {
        uplinks: rates.map((r) => `${sizeLabel(r)}/s`),
        file: `${seconds} s of the uplink`,
        partSize: sizeLabel(partSize),
        concurrency: settings.concurrency,
        rounds: settings.rounds,
      },
      comparisons,
      targets,
      notes: [
        "Chromium's DevTools network conditions limit the page's uplink (latency 0); the wire tap counts every UploadPart body byte that reached it, parts cut by the pause or the reload included. Wasted = bytes on the wire − file size.",
        'Pause: at 50% on the wire the page pauses (s3up: its pause that keeps work, default 5 s grace; Uppy: pauseAll; lib-storage has no pause: abort, and a new Upload on resume), waits until paused, then resumes. Reload: the page reloads at 50% and the same file is picked again in the same browser context.',
        'Uppy runs with Golden Retriever (its state and UploadId in browser storage; file contents only up to its size limit, larger files come back as ghosts revived by picking the file again). lib-storage cannot resume (aws-sdk-js-v3#3509, #6832).',
        `Resume latency: s3up's pauses, ${latencies.length} samples: ${latencies.map((l) => `${Math.round(l)} ms`).join(', ') || 'none'}.`,
        'Unthrottled throughput is the throughput benchmark (issue 20: not more than 5% below the figure before the flight controller).',
      ],
    };
  },
};

export default links;
