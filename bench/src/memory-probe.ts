import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchPage, BrowserSession } from './browser-session.js';
import { BenchEnvironment } from './environment.js';
import { MiB } from './test-file.js';

/**
 * What holds the renderer's memory during one large upload (issue 21, "renderer memory
 * growth 1 to 3 GiB <= one part"): a timeline of the page's JS heap and its renderer's
 * resident memory split by kind (/proc/<pid>/smaps_rollup: anonymous, file, shared), DOM
 * counters, and heap snapshots (HeapProfiler) summarized by constructor, taken at a point
 * of the upload and after it, each after a forced GC. Not a benchmark: figures for causes.
 *
 *   pnpm -C bench memory-probe --size 1024 --size 3072 --repeat 2
 *   pnpm -C bench memory-probe --size 512 --snapshot-at 0.9 --keep /tmp/heap
 */

const { values } = parseArgs({
  options: {
    size: { type: 'string', multiple: true, default: ['1024', '3072'] },
    'part-size': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '6' },
    repeat: { type: 'string', default: '1' },
    'snapshot-at': { type: 'string', default: '0.9' },
    'no-snapshot': { type: 'boolean', default: false },
    keep: { type: 'string' },
    timeline: { type: 'boolean', default: false },
    // The sampling heap profiler over the upload, garbage included: which functions allocate.
    alloc: { type: 'boolean', default: false },
    // A full GC before each sample: what the page holds, not the garbage awaiting collection.
    'gc-samples': { type: 'boolean', default: false },
    // Chromium memory-infra dumps of the renderer (allocator by allocator) when this much is sent (MiB).
    dump: { type: 'string', multiple: true, default: [] },
    // Dumps with a forced GC first (Chromium's deterministic dumps): what is live, not what awaits collection.
    'dump-gc': { type: 'boolean', default: false },
    // Leave the page alone while sampling (no Runtime.evaluate of its progress every 250 ms,
    // as the benchmark does); --dump points are then seconds from the start, not MiB.
    'hands-off': { type: 'boolean', default: false },
    // No forced GC at idle before the upload (the benchmark's as-is mode has none): V8 sizes
    // its heap limits after its first full GC, and a page that allocates little may see none.
    'no-idle-gc': { type: 'boolean', default: false },
  },
});

interface Sample {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  progress: number;
}

async function smaps(pid: number): Promise<{ rss: number; anon: number; file: number; shmem: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile'), shmem: kib('RssShmem') };
}

async function sample(browser: BrowserSession, page: BenchPage, pid: number, zero: number): Promise<Sample> {
  const { metrics } = await browser.send<{ metrics: { name: string; value: number }[] }>(
    'Performance.getMetrics',
    {},
    page.sessionId,
  );
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
  const progress = values['hands-off']
    ? (Date.now() - zero) / 1000
    : await page.evaluate<number>('window.benchProgress ?? 0').catch(() => 0);
  return {
    t: Date.now() - zero,
    heapUsed: m('JSHeapUsedSize'),
    heapTotal: m('JSHeapTotalSize'),
    ...(await smaps(pid)),
    progress,
  };
}

/** Resident KiB by mapping (file path, or [anon]/[heap]/[stack] and the like). */
async function mappings(pid: number): Promise<Map<string, number>> {
  const text = await readFile(`/proc/${pid}/smaps`, 'utf8').catch(() => '');
  const out = new Map<string, number>();
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || '[anon]';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out.set(name, (out.get(name) ?? 0) + Number(rss[1]));
  }
  return out;
}

interface SnapshotSummary {
  total: number;
  byName: Map<string, { count: number; size: number }>;
}

/** A heap snapshot (after a forced GC), summed by node type and constructor name. */
async function heapSnapshot(
  browser: BrowserSession,
  page: BenchPage,
  keep?: string,
): Promise<SnapshotSummary> {
  await browser.send('HeapProfiler.enable', {}, page.sessionId);
  await browser.send('HeapProfiler.collectGarbage', {}, page.sessionId);
  const chunks: string[] = [];
  const stop = browser.on((method, params, sessionId) => {
    if (method === 'HeapProfiler.addHeapSnapshotChunk' && sessionId === page.sessionId)
      chunks.push(params.chunk as string);
  });
  try {
    await browser.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, page.sessionId, 120_000);
  } finally {
    stop();
  }
  const text = chunks.join('');
  if (keep) await writeFile(keep, text);
  const snap = JSON.parse(text) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byName = new Map<string, { count: number; size: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const rawName = snap.strings[snap.nodes[i + nameAt]!] ?? '';
    // Strings and code by type; objects and closures by constructor or function name.
    const name =
      type === 'object' || type === 'closure' || type === 'native'
        ? `${type} ${rawName.slice(0, 60)}`
        : `(${type})`;
    const size = snap.nodes[i + sizeAt]!;
    total += size;
    const entry = byName.get(name) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += size;
    byName.set(name, entry);
  }
  return { total, byName };
}

function printSummary(label: string, s: SnapshotSummary): void {
  console.log(`  heap snapshot ${label}: ${(s.total / MiB).toFixed(2)} MiB self size in all`);
  const rows = [...s.byName.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, 25);
  for (const [name, { count, size }] of rows)
    console.log(`    ${(size / 1024).toFixed(0).padStart(8)} KiB ${String(count).padStart(8)}  ${name}`);
}

const fmt = (b: number) => (b / MiB).toFixed(1);

interface TraceEvent {
  ph: string;
  pid: number;
  name: string;
  args?: { dumps?: { allocators?: Record<string, { attrs?: Record<string, { value: string }> }> } };
}

/** Allocator sizes of one memory-infra dump of process `pid`, top-level and second-level names. */
function allocators(events: TraceEvent[], pid: number, dumpIndex: number): Map<string, number> {
  const dumps = events.filter((e) => e.ph === 'v' && e.pid === pid && e.args?.dumps?.allocators);
  const dump = dumps[dumpIndex];
  const out = new Map<string, number>();
  if (!dump) return out;
  for (const [name, node] of Object.entries(dump.args!.dumps!.allocators!)) {
    const depth = name.split('/').length;
    if (depth > 3 && !name.startsWith('v8/main/heap/')) continue;
    const size = node.attrs?.size?.value;
    if (size) out.set(name, Number.parseInt(size, 16));
  }
  return out;
}

async function main(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 's3up-memory-probe-'));
  const env = new BenchEnvironment({ workDir, log: (line) => console.log(line) });
  const partSize = Math.round(Number(values['part-size']) * MiB);
  const concurrency = Number(values.concurrency);
  const snapshots = new Map<number, SnapshotSummary[]>();
  try {
    await env.pages(['s3up']);
    const browser = await env.browser();
    for (let round = 1; round <= Number(values.repeat); round++) {
      for (const sizeText of values.size) {
        const size = Math.round(Number(sizeText) * MiB);
        await env.backend.restart();
        const local = await env.backend.ensureRoom(size);
        const file = await env.file(size);
        const context = await browser.newContext();
        try {
          const page = await browser.openPage(context, env.pageUrl('s3up'));
          await new Promise((r) => setTimeout(r, 1000));
          await browser.send('Performance.enable', {}, page.sessionId);
          const pid = await browser.rendererPidOf(page);
          const dumpsAt = values.dump.map((x) => (values['hands-off'] ? Number(x) : Number(x) * MiB));
          const traceEvents: TraceEvent[] = [];
          let stopTrace = () => {};
          let dumpsTaken = 0;
          if (dumpsAt.length > 0) {
            stopTrace = browser.on((method, params) => {
              if (method === 'Tracing.dataCollected') traceEvents.push(...(params.value as TraceEvent[]));
            });
            await browser.send('Tracing.start', {
              transferMode: 'ReportEvents',
              traceConfig: {
                includedCategories: ['disabled-by-default-memory-infra'],
                excludedCategories: ['*'],
                memoryDumpConfig: { triggers: [] },
              },
            });
          }
          const memoryDump = async () => {
            const { success } = await browser.send<{ success: boolean }>('Tracing.requestMemoryDump', {
              deterministic: values['dump-gc'],
              levelOfDetail: 'detailed',
            });
            if (success) dumpsTaken++;
          };
          const zero = Date.now();
          const idle = await sample(browser, page, pid, zero);
          const idleMaps = await mappings(pid);
          if (!values['no-idle-gc']) await browser.collectGarbage(page);
          const idleGc = await sample(browser, page, pid, zero);
          const samples: Sample[] = [];
          let running = true;
          let snapshotDue = !values['no-snapshot'];
          let during: SnapshotSummary | undefined;
          const key = env.key('s3up');
          if (values.alloc) {
            await browser.send('HeapProfiler.enable', {}, page.sessionId);
            await browser.send(
              'HeapProfiler.startSampling',
              {
                samplingInterval: 16384,
                includeObjectsCollectedByMajorGC: true,
                includeObjectsCollectedByMinorGC: true,
              },
              page.sessionId,
            );
          }
          const sampling = (async () => {
            while (running) {
              if (values['gc-samples']) await browser.collectGarbage(page).catch(() => {});
              const s = await sample(browser, page, pid, zero).catch(() => null);
              if (s) samples.push(s);
              while (s && dumpsAt.length > 0 && s.progress >= dumpsAt[0]!) {
                dumpsAt.shift();
                await memoryDump();
              }
              if (s && snapshotDue && s.progress >= Number(values['snapshot-at']) * size) {
                snapshotDue = false;
                during = await heapSnapshot(
                  browser,
                  page,
                  values.keep ? `${values.keep}-${sizeText}-${round}-during.heapsnapshot` : undefined,
                );
              }
              await new Promise((r) => setTimeout(r, 250));
            }
          })();
          const result = await browser
            .runUpload(page, file, { key, partSize, concurrency }, 60_000 + size / 1000)
            .finally(() => {
              running = false;
            });
          await sampling;
          if (values.alloc) {
            interface AllocNode {
              callFrame: { functionName: string; url: string; lineNumber: number };
              selfSize: number;
              children: AllocNode[];
            }
            const { profile } = await browser.send<{ profile: { head: AllocNode } }>(
              'HeapProfiler.stopSampling',
              {},
              page.sessionId,
            );
            const bySelf = new Map<string, number>();
            const byStack = new Map<string, number>();
            const walk = (node: AllocNode, stack: string[]) => {
              const { functionName, url, lineNumber } = node.callFrame;
              const name = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
              const here = [...stack, name];
              if (node.selfSize > 0) {
                bySelf.set(name, (bySelf.get(name) ?? 0) + node.selfSize);
                const key = here.slice(-4).join(' < ');
                byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
              }
              for (const child of node.children) walk(child, here);
            };
            walk(profile.head, []);
            const total = [...bySelf.values()].reduce((a, b) => a + b, 0);
            console.log(`  allocated during the upload (garbage included): ${fmt(total)} MiB; by function:`);
            for (const [name, bytes] of [...bySelf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30))
              console.log(`    ${fmt(bytes).padStart(7)} MiB  ${name}`);
            console.log('  by call path (innermost last):');
            for (const [name, bytes] of [...byStack.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
              console.log(`    ${fmt(bytes).padStart(7)} MiB  ${name.split(' < ').reverse().join(' < ')}`);
          }
          if (values.dump.length > 0) {
            await memoryDump();
            const ended = new Promise<void>((resolve) => {
              const off = browser.on((method) => {
                if (method === 'Tracing.tracingComplete') {
                  off();
                  resolve();
                }
              });
            });
            await browser.send('Tracing.end');
            await ended;
            stopTrace();
            // each line: allocator, then its size at each dump.
            const tables = Array.from({ length: dumpsTaken }, (_, i) => allocators(traceEvents, pid, i));
            const names = new Set(tables.flatMap((t) => [...t.keys()]));
            console.log(
              `  memory-infra dumps of the renderer (${dumpsTaken}, the last after the upload), MiB:`,
            );
            const rows = [...names].sort();
            for (const name of rows) {
              const sizes = tables.map((t) => t.get(name) ?? 0);
              if (Math.max(...sizes) < 256 * 1024) continue;
              console.log(`    ${name.padEnd(48)} ${sizes.map((b) => fmt(b).padStart(7)).join(' ')}`);
            }
          }
          await env.verifyObject(local, key, size);
          const end = await sample(browser, page, pid, zero);
          const endMaps = await mappings(pid);
          const grown = [...new Set([...idleMaps.keys(), ...endMaps.keys()])]
            .map((name) => ({ name, kib: (endMaps.get(name) ?? 0) - (idleMaps.get(name) ?? 0) }))
            .filter((m) => Math.abs(m.kib) >= 512)
            .sort((a, b) => b.kib - a.kib);
          console.log(
            `  resident growth by mapping, idle -> end (KiB): ${grown.map((m) => `${m.name} ${m.kib}`).join(', ')}`,
          );
          await browser.collectGarbage(page);
          const endGc = await sample(browser, page, pid, zero);
          const after = values['no-snapshot']
            ? undefined
            : await heapSnapshot(
                browser,
                page,
                values.keep ? `${values.keep}-${sizeText}-${round}-after.heapsnapshot` : undefined,
              );
          const peak = (pick: (s: Sample) => number) => Math.max(...samples.map(pick));
          const seconds = (result.finishedAt - result.startedAt) / 1000;
          console.log(
            `\n== ${sizeText} MiB round ${round}: ${(size / MiB / seconds).toFixed(1)} MiB/s, ${samples.length} samples, renderer pid ${pid}`,
          );
          console.log(
            `  idle: rss ${fmt(idle.rss)} (anon ${fmt(idle.anon)}, file ${fmt(idle.file)}, shmem ${fmt(idle.shmem)}), heap ${fmt(idle.heapUsed)}/${fmt(idle.heapTotal)}; after GC rss ${fmt(idleGc.rss)}, heap ${fmt(idleGc.heapUsed)}`,
          );
          console.log(
            `  peak above idle: rss ${fmt(peak((s) => s.rss) - idle.rss)}, anon ${fmt(peak((s) => s.anon) - idle.anon)}, file ${fmt(peak((s) => s.file) - idle.file)}, shmem ${fmt(peak((s) => s.shmem) - idle.shmem)}, heap used ${fmt(peak((s) => s.heapUsed) - idle.heapUsed)}, heap total ${fmt(peak((s) => s.heapTotal) - idle.heapTotal)}`,
          );
          // The spread of the rss over the upload's second half: what a single peak is drawn from.
          const late = samples.filter((s) => s.progress >= size / 2).map((s) => s.rss - idle.rss);
          late.sort((a, b) => a - b);
          const q = (f: number) => late[Math.min(late.length - 1, Math.floor(f * late.length))] ?? 0;
          console.log(
            `  rss above idle over the second half: min ${fmt(q(0))}, median ${fmt(q(0.5))}, p90 ${fmt(q(0.9))}, max ${fmt(q(1))} (${late.length} samples)`,
          );
          console.log(
            `  end: rss ${fmt(end.rss - idle.rss)} above idle, heap ${fmt(end.heapUsed)}; after GC rss ${fmt(endGc.rss - idle.rss)} (anon ${fmt(endGc.anon - idle.anon)}), heap ${fmt(endGc.heapUsed)}`,
          );
          if (values.timeline) {
            for (const s of samples)
              console.log(
                `    ${String(s.t).padStart(6)} ms ${fmt(s.progress).padStart(7)} MiB sent  rss ${fmt(s.rss - idle.rss).padStart(6)}  anon ${fmt(s.anon - idle.anon).padStart(6)}  heap ${fmt(s.heapUsed).padStart(5)}/${fmt(s.heapTotal).padStart(5)}`,
              );
          }
          if (during) printSummary(`at ${values['snapshot-at']} of the upload`, during);
          if (after) printSummary('after the upload', after);
          const list = snapshots.get(size) ?? [];
          if (during) list.push(during);
          snapshots.set(size, list);
        } finally {
          await context.close();
        }
      }
    }
    // What grows with the file: constructors whose retained count differs between sizes.
    const sizes = [...snapshots.keys()].sort((a, b) => a - b);
    const small = snapshots.get(sizes[0]!)?.[0];
    const large = snapshots.get(sizes.at(-1)!)?.[0];
    if (small && large && sizes.length > 1) {
      console.log(
        `\nheap snapshot growth, ${fmt(sizes[0]!)} -> ${fmt(sizes.at(-1)!)} MiB (during the upload):`,
      );
      const names = new Set([...small.byName.keys(), ...large.byName.keys()]);
      const rows = [...names]
        .map((name) => {
          const a = small.byName.get(name) ?? { count: 0, size: 0 };
          const b = large.byName.get(name) ?? { count: 0, size: 0 };
          return { name, count: b.count - a.count, size: b.size - a.size };
        })
        .sort((x, y) => Math.abs(y.size) - Math.abs(x.size))
        .slice(0, 30);
      for (const r of rows)
        console.log(
          `  ${(r.size / 1024).toFixed(0).padStart(8)} KiB ${String(r.count).padStart(8)}  ${r.name}`,
        );
      console.log(`  in all: ${((large.total - small.total) / 1024).toFixed(0)} KiB`);
    }
  } finally {
    await env.close();
    // The test files (up to several GiB each) go with the run.
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
