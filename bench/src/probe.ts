import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchEnvironment } from './environment.js';
import type { PageName } from './page-bundle.js';
import { MiB } from './test-file.js';
import type { WireEvent } from './wire-tap.js';

/**
 * One upload of one contender, taken apart (issue 21's "why does each figure miss"): where
 * the time from the pick to the first part byte goes (the page's own resource timing: its
 * chunks, `/credentials`, every S3 request, beside the tap's view of them), a timeline of
 * part starts and ends with the parts in flight over time, and optionally a CPU profile of
 * the page (DevTools Profiler over the pipe; self time by function). Not a benchmark: no
 * rounds, no verdicts; figures are for finding causes.
 *
 *   pnpm -C bench probe s3up --size 256 --profile /tmp/s3up.cpuprofile
 *   pnpm -C bench probe ceiling --size 9 --repeat 2 --pick-delay 1000
 *   pnpm -C bench probe s3up --size 256 --checksums
 */

interface Resource {
  name: string;
  start: number;
  end: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: '256' },
    'part-size': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '6' },
    profile: { type: 'string' },
    checksums: { type: 'boolean', default: false },
    'pick-delay': { type: 'string', default: '1000' },
    repeat: { type: 'string', default: '1' },
    parts: { type: 'boolean', default: false },
    warm: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
// `s3up@16`: that page with 16 MiB parts (several part sizes interleaved in one run);
// `s3up+crc`: with checksums on (the credentials answer says WHEN_SUPPORTED); `s3up+ft0`: the
// engine's flight controller off (flightTime 0), the throughput benchmark's A/B.
const pages = positionals.length > 0 ? positionals : ['s3up'];
const pageOf = (spec: string) => spec.split(/[@+]/)[0] as PageName;
const partSizeOf = (spec: string) =>
  spec.includes('@') ? Math.round(Number(spec.split('@')[1]!.split('+')[0]) * MiB) : partSize;
const size = Math.round(Number(values.size) * MiB);
const partSize = Math.round(Number(values['part-size']) * MiB);
const concurrency = Number(values.concurrency);
const repeat = Number(values.repeat);

function selfTimes(profile: CpuProfile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').pop() ?? '';
    const key = `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

const at = (t: number | undefined, zero: number) =>
  t === undefined ? '   -   ' : (t - zero).toFixed(0).padStart(7);

function inFlightStats(parts: WireEvent[], zero: number, end: number): string {
  // Parts whose body is moving (first to last byte), sampled every 10 ms.
  const counts = new Map<number, number>();
  for (let t = zero; t < end; t += 10) {
    const n = parts.filter((p) => p.firstByte !== undefined && p.firstByte <= t && (p.end ?? end) > t).length;
    counts.set(n, (counts.get(n) ?? 0) + 10);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, ms]) => `${n}: ${ms} ms`)
    .join(', ');
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 's3up-probe-'));
  const env = new BenchEnvironment({ workDir, log: (line) => console.log(line) });
  try {
    await env.pages([...new Set(pages.map(pageOf))]);
    await env.backend.restart();
    await env.warmUpBackend();
    const browser = await env.browser();
    const tap = await env.tap();
    const file = await env.file(size);
    const summary: Record<string, { cold: number[]; warm: number[]; mibs: number[] }> = {};
    for (let round = 1; round <= repeat; round++) {
      for (const page of round % 2 === 1 ? pages : [...pages].reverse()) {
        const context = await browser.newContext();
        const query = new URLSearchParams();
        if (values.checksums || page.includes('+crc')) query.set('checksums', 'on');
        if (page.includes('+ft0')) query.set('flight', 'off');
        const url = env.pageUrl(pageOf(page)) + (query.size > 0 ? `?${query}` : '');
        const tab = await browser.openPage(context, url);
        await new Promise((r) => setTimeout(r, Number(values['pick-delay'])));
        env.credentialMode = 'fresh';
        for (const phase of values.warm ? ['cold', 'warm'] : ['cold']) {
          await probeOne(page, phase, round, tab);
        }
        await context.close();
      }
    }
    console.log('\nsummary (first part byte ms; MiB/s):');
    for (const [name, s] of Object.entries(summary))
      console.log(
        `  ${name}: cold ${s.cold.map((x) => x.toFixed(0)).join(' ')}; warm ${s.warm.map((x) => x.toFixed(0)).join(' ')}; ${s.mibs.map((x) => x.toFixed(1)).join(' ')} MiB/s`,
      );

    async function probeOne(
      page: string,
      phase: string,
      round: number,
      tab: Awaited<ReturnType<typeof browser.openPage>>,
    ): Promise<void> {
      const log = (line: string) => {
        if (!values.quiet) console.log(line);
      };
      await env.backend.ensureRoom(2 * size);
      tap.reset();
      if (values.profile) {
        await browser.send('Profiler.enable', {}, tab.sessionId);
        await browser.send('Profiler.setSamplingInterval', { interval: 250 }, tab.sessionId);
        await browser.send('Profiler.start', {}, tab.sessionId);
      }
      const result = await browser.runUpload(
        tab,
        file,
        { key: env.key(pageOf(page)), partSize: partSizeOf(page), concurrency },
        600_000,
      );
      env.credentialMode = 'cached';
      const zero = result.startedAt;
      log(
        `\n== ${page} ${phase} round ${round}: ${(size / MiB).toFixed(0)} MiB in ${(result.finishedAt - zero).toFixed(0)} ms = ${(size / MiB / ((result.finishedAt - zero) / 1000)).toFixed(1)} MiB/s`,
      );
      const resources = await tab.evaluate<Resource[]>(
        `performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: e.startTime + performance.timeOrigin, end: e.responseEnd + performance.timeOrigin }))`,
      );
      await tab.evaluate('performance.clearResourceTimings()');
      const early = resources.filter((r) => r.end >= zero - 2000).slice(0, 40);
      log('page resources (ms from the pick: start, end):');
      for (const r of early) {
        const u = new URL(r.name);
        const name = `${u.pathname}${u.search}`.slice(0, 90);
        if (!values.parts && u.searchParams.has('partNumber') && Number(u.searchParams.get('partNumber')) > 8)
          continue;
        log(`  ${at(r.start, zero)} ${at(r.end, zero)}  ${name}`);
      }
      // Marks the page or the engine made (performance.mark), e.g. while taking a path apart.
      const marks = await tab.evaluate<Resource[]>(
        `performance.getEntriesByType('mark').map((e) => ({ name: e.name, start: e.startTime + performance.timeOrigin, end: e.startTime + performance.timeOrigin }))`,
      );
      await tab.evaluate('performance.clearMarks()');
      if (marks.length > 0) {
        log('page marks (ms from the pick):');
        for (const m of marks) log(`  ${at(m.start, zero)}  ${m.name}`);
      }
      const events = tap.stats.timeline;
      log('tap (ms from the pick: headers, first byte, last byte, answered):');
      for (const e of events) {
        if (!values.parts && e.partNumber !== undefined && e.partNumber > 8) continue;
        log(
          `  ${at(e.start, zero)} ${at(e.firstByte, zero)} ${at(e.lastByte, zero)} ${at(e.end, zero)}  ${e.kind}${e.partNumber ? ` ${e.partNumber}` : ''}`,
        );
      }
      const parts = events.filter((e) => e.kind === 'PUT part');
      if (parts.length > 0) {
        const first = Math.min(...parts.map((p) => p.firstByte ?? Number.POSITIVE_INFINITY));
        const last = Math.max(...parts.map((p) => p.end ?? 0));
        summary[page] ??= { cold: [], warm: [], mibs: [] };
        const entry = summary[page];
        (phase === 'cold' ? entry.cold : entry.warm).push(first - zero);
        entry.mibs.push(size / MiB / ((result.finishedAt - zero) / 1000));
        log(
          `first part byte at ${(first - zero).toFixed(0)} ms; parts ${parts.length}; last part answered at ${(last - zero).toFixed(0)} ms; done at ${(result.finishedAt - zero).toFixed(0)} ms`,
        );
        log(`parts in flight over time: ${inFlightStats(parts, zero, result.finishedAt)}`);
        const spans = parts.map((p) => (p.end ?? 0) - p.start).sort((a, b) => a - b);
        log(
          `part time (headers to answer) median ${spans[Math.floor(spans.length / 2)]} ms, min ${spans[0]}, max ${spans.at(-1)}`,
        );
      }
      if (values.profile) {
        const { profile } = await browser.send<{ profile: CpuProfile }>('Profiler.stop', {}, tab.sessionId);
        const path = values.profile.replace(/(\.cpuprofile)?$/, `-${page}-${phase}-${round}.cpuprofile`);
        await writeFile(path, JSON.stringify(profile));
        const total = (profile.endTime - profile.startTime) / 1000;
        const rows = selfTimes(profile);
        const busy = rows.filter((r) => r.name.split(' ')[0] !== '(idle)').reduce((s, r) => s + r.ms, 0);
        log(
          `main-thread profile (${path}): ${busy.toFixed(0)} ms not idle of ${total.toFixed(0)} ms (${(busy / (size / MiB)).toFixed(2)} ms/MiB); self time:`,
        );
        for (const r of rows.slice(0, 25)) log(`  ${r.ms.toFixed(1).padStart(8)} ms  ${r.name}`);
      }
    }
  } finally {
    await env.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
