import { BenchError } from '../bench-error.js';
import type { Benchmark } from '../benchmark.js';
import type { BenchEnvironment } from '../environment.js';
import { type ContenderSamples, runInterleaved } from '../interleave.js';
import type { PageName } from '../page-bundle.js';
import '../pages/links-protocol.js';
import { absoluteTarget, type Comparison, compare, medianOf, type TargetResult } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';
import type { WireEvent } from '../wire-tap.js';

// Issue 20: what a pause and a reload at 50% throw away on slow uplinks. Each contender
// uploads a file scaled to the link (about 20 s of it) in Chromium throttled with DevTools
// network conditions; the wire tap counts every UploadPart body byte that reached the
// server, cut requests included. Wasted = bytes on the wire minus the file size.

const CONTENDERS: { name: string; page: PageName; rounds?: number }[] = [
  { name: 's3up', page: 'links-s3up' },
  { name: 'uppy', page: 'links-uppy' },
  // One round: lib-storage cannot resume, so what it wastes is what it had sent (about the
  // interruption point), the same every round; its two further rounds cost 2 min of a run.
  { name: 'lib-storage', page: 'links-lib-storage', rounds: 1 },
];
// Where each round interrupts, in parts around 50%: spread over one part so that the median
// is not decided by where part boundaries happen to fall (at 50% of a 40 MiB file every
// contender is cutting a part that has just been sent, or just stored: a phase accident).
// Every contender is interrupted at the same points.
function cutAt(size: number, partSize: number, round: number, rounds: number): number {
  const offset = rounds > 1 ? (round + 0.5) / rounds - 0.5 : 0;
  return Math.round(size / 2 + offset * partSize);
}
// s3up's promise (packages/core README, flightTime): at most max(5 MiB, 10 s of the uplink).
const FLIGHT_SECONDS = 10;

type Scenario = 'pause' | 'reload';

async function waitForWire(env: BenchEnvironment, bytes: number, timeoutMs: number): Promise<void> {
  const tap = await env.tap();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      tap.whenPartBytes(bytes),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new BenchError('timeout', `the upload never reached ${sizeLabel(bytes)}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The parts whose body was moving at the interruption: what a reload loses. */
function partlySent(events: readonly WireEvent[]): string {
  const moving = events.filter((e) => e.kind === 'PUT part' && e.end === undefined && e.bytes > 0);
  const bytes = moving.reduce((sum, e) => sum + e.bytes, 0);
  return `${moving.length} part(s) partly sent, ${sizeLabel(bytes)} (${moving.map((e) => `#${e.partNumber} ${sizeLabel(e.bytes)}`).join(', ')})`;
}

function timeline(events: readonly WireEvent[]): string {
  const zero = events[0]?.start ?? 0;
  const at = (t: number | undefined) => (t === undefined ? '-' : String(t - zero));
  return events
    .map(
      (e) =>
        `      ${e.kind}${e.partNumber ? ` ${e.partNumber}` : ''} ${at(e.start)} ${at(e.firstByte)} ${at(e.lastByte)} ${at(e.end)} ${sizeLabel(e.bytes)}`,
    )
    .join('\n');
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
  cut: number,
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
    // A reload is measured at the cut itself: the tap freezes the bodies there, so what the
    // page loses is what the engine had partly sent, not also what flowed while it reloaded.
    if (scenario === 'reload') tap.holdAt(cut);
    await waitForWire(env, cut, timeoutMs);
    const lost = partlySent(tap.stats.timeline);
    if (scenario === 'pause') {
      await page.evaluate('window.benchPause()', timeoutMs);
      await page.evaluate('window.benchResume()');
      await first;
      const latency = await page.evaluate<number | null>('window.benchResumeLatency()');
      if (latency !== null) latencies.push(latency);
    } else {
      await page.reload();
      await page.waitFor("typeof window.benchUpload === 'function'", 30_000);
      // The bodies held at the cut were the old page's: cut them there, once the new page is
      // in (Page.reload answers as the navigation starts, and the old page runs on until the
      // new one commits: a body cut or let go earlier made it retry or send on meanwhile,
      // 0-0.14 MiB a round). Released, what their sockets had buffered would flow on too.
      tap.drop();
      await browser.throttleUplink(page, rate);
      await browser.runUpload(page, file, options, timeoutMs);
    }
    await env.verifyObject(local, key, size);
    const wasted = Math.max(0, tap.stats.uploadPartBytes - size);
    env.log(
      `    ${contender.name}, ${scenario} at ${sizeLabel(rate)}/s: ${sizeLabel(tap.stats.uploadPartBytes)} on the wire for ${sizeLabel(size)}; cut at ${sizeLabel(cut)}: ${lost}`,
    );
    if (process.env.S3UP_BENCH_TIMELINE) env.log(timeline(tap.stats.timeline));
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
    // 12 s of the link per file: 3 rounds of the whole benchmark take about 15 min.
    const seconds = settings.quick ? 8 : 12;
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
            ...(contender.rounds ? { rounds: contender.rounds } : {}),
            run: (r) =>
              round(
                env,
                contender,
                scenario,
                rate,
                size,
                partSize,
                settings.concurrency,
                cutAt(size, partSize, r, contender.rounds ?? settings.rounds),
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
        `Interruption points: round r of ${settings.rounds} cuts at 50% of the file + ((r + ½) / ${settings.rounds} − ½) × one ${sizeLabel(partSize)} part on the wire (the middle round at 50%), the same points for every contender, so the median is not decided by where part boundaries fall. lib-storage runs one round, at 50%: it cannot resume, so its figure is what it had sent.`,
        'Pause: at the interruption point the page pauses (s3up: its pause that keeps work, default 5 s grace; Uppy: pauseAll; lib-storage has no pause: abort, and a new Upload on resume), waits until paused, then resumes. Reload: the tap freezes every part body at exactly the interruption byte (the chunk that crosses it is split: no byte after it is counted or forwarded, so every contender is cut at the same byte) until the page has reloaded, then cuts those held requests there (WireTap.drop: what the old page had buffered in its sockets is never forwarded), so the figure is what the engine had partly sent at that byte; then the same file is picked again in the same browser context.',
        'Uppy runs with Golden Retriever (its state and UploadId in browser storage; file contents only up to its size limit, larger files come back as ghosts revived by picking the file again). lib-storage cannot resume (aws-sdk-js-v3#3509, #6832).',
        `Resume latency: s3up's pauses, ${latencies.length} samples: ${latencies.map((l) => `${Math.round(l)} ms`).join(', ') || 'none'}.`,
        'Unthrottled throughput is the throughput benchmark\'s: its first file size also runs "s3up, flightTime 0" (the flight controller off, the admission before issue 20) beside s3up, with the target s3up ≥ 0.95 × it.',
        "S3UP_BENCH_TIMELINE=1 prints every round's requests as the tap saw them (start, first and last body byte, answer, ms from the first request); each round's log line names the parts that were partly sent at the interruption.",
      ],
    };
  },
};

export default links;
