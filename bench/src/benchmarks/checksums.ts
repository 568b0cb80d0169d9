import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { type Crc32Implementation, loadCrc32 } from '../../../packages/core/src/checksum.js';
import type { Benchmark } from '../benchmark.js';
import { type Contender, runInterleaved } from '../interleave.js';
import type { CrcMode } from '../pages/checksums.js';
import { absoluteTarget, type Comparison, compare, relativeTarget, singles } from '../results.js';
import { MiB, sizeLabel } from '../test-file.js';
import { benchCpu, browserContender } from './throughput.js';

const MODES: Record<CrcMode, string> = {
  worker: 'core in a Worker (default in browsers)',
  'main-wasm': 'main thread, WebAssembly (a CSP without blob: workers)',
  'main-js': 'main thread, JS table (a CSP refusing WebAssembly too)',
};

/**
 * Checksums on the hot path (issue 21 item 5, issue 14 item 7), three figures:
 *
 * - main-thread CPU per MiB of the engine's per-part CRC-32 in Chromium, for each way core
 *   computes it there: its Worker (the default), hash-wasm on the main thread, the JS table.
 *   Measured as the renderer main thread's CPU time (/proc schedstat) around hashing 8 parts
 *   of 8 MiB, slices of a file on disk, 6 at a time as the engine does;
 * - CRC throughput of each implementation: the JS table, node:zlib and hash-wasm in Node;
 *   the Worker, hash-wasm and the table in Chromium (wall time, reads included);
 * - s3up's upload throughput with checksums on (`WHEN_SUPPORTED`, what the token server
 *   says for AWS) and off (`WHEN_REQUIRED`), side by side in interleaved rounds. RGW 16
 *   accepts the checksum headers and ignores them, so "on" costs only the client's side.
 */
const checksums: Benchmark = {
  id: 'checksums',
  title: 'Checksums: main-thread CPU, CRC throughput, uploads with checksums on and off',
  order: 35,
  async run(env, settings) {
    await env.pages(['checksums', 's3up']);
    const browser = await env.browser();
    const partSize = settings.partSize;
    const parts = settings.quick ? 2 : 8;
    const wall: Record<CrcMode, number[]> = { worker: [], 'main-wasm': [], 'main-js': [] };
    // A file of random bytes on disk: parts are its slices, read by the browser as a picked file's are.
    const filePath = await env.file(partSize * parts);
    const crcContender = (mode: CrcMode): Contender<number> => ({
      name: MODES[mode],
      run: async () => {
        const context = await browser.newContext();
        try {
          const page = await browser.openPage(context, env.pageUrl('checksums'));
          await browser.setInputFile(page, filePath);
          await page.evaluate(`window.benchCrcPrepare(${partSize}, ${parts})`, 60_000);
          await page.evaluate(`window.benchCrcWarm(${JSON.stringify(mode)})`, 60_000);
          await browser.collectGarbage(page);
          const before = await browser.rendererCpuNs();
          const r = await page.evaluate<{
            places: string[];
            implementation: string;
            wallMs: number;
            mib: number;
          }>(`window.benchCrc(${JSON.stringify(mode)}, ${settings.concurrency})`, 120_000);
          // The page's renderer: the one running a dedicated Worker (the page starts an idle one
          // in the main-thread modes too) that worked most meanwhile. Other renderers of the
          // browser (a spare one, one of an earlier round still exiting) run none.
          let busyMs: number | undefined;
          let most = -1;
          for (const [pid, after] of await browser.rendererCpuNs()) {
            const was = before.get(pid) ?? { mainNs: 0, totalNs: 0 };
            if (after.hasWorker && after.totalNs - was.totalNs > most) {
              most = after.totalNs - was.totalNs;
              busyMs = (after.mainNs - was.mainNs) / 1e6;
            }
          }
          if (busyMs === undefined) throw new Error('no renderer of this browser runs the page’s Worker');
          const expected = mode === 'worker' ? 'worker' : 'main-thread';
          if (r.places.join() !== expected)
            throw new Error(`${mode}: parts were hashed on ${r.places.join(' and ')}, not ${expected}`);
          wall[mode].push(r.mib / (r.wallMs / 1000));
          return busyMs / r.mib;
        } finally {
          await context.close();
        }
      },
    });
    const cpuSamples = await runInterleaved((Object.keys(MODES) as CrcMode[]).map(crcContender), {
      rounds: settings.rounds,
      budgetMs: 5 * 60_000,
      log: env.log,
      cpu: benchCpu(env),
    });
    const cpu = compare(
      'checksum-cpu',
      `CRC-32 of ${parts} parts of ${sizeLabel(partSize)}, main-thread CPU per MiB (Chromium)`,
      'ms/MiB',
      false,
      null,
      cpuSamples,
    );

    // --- CRC throughput by implementation ---
    const node = await nodeThroughput(partSize, parts, settings.rounds);
    const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1]! : null);
    const throughputRows = [
      { name: 'Node: node:zlib crc32', value: node['node:zlib'] },
      { name: 'Node: hash-wasm (WebAssembly)', value: node.wasm },
      { name: 'Node: JS table', value: node.js },
      { name: 'Chromium: core’s Worker (hash-wasm)', value: median(wall.worker) },
      { name: 'Chromium: hash-wasm on the main thread', value: median(wall['main-wasm']) },
      { name: 'Chromium: JS table on the main thread', value: median(wall['main-js']) },
    ];
    const crcThroughput = singles(
      'crc-throughput',
      `CRC-32 throughput by implementation (${parts} × ${sizeLabel(partSize)})`,
      'MiB/s',
      true,
      throughputRows,
    );
    crcThroughput.targetNote =
      'no target: shown so the choice of implementation (node:zlib in Node, hash-wasm in a Worker in browsers) can be checked';

    // --- uploads with checksums on and off ---
    const size = settings.quick ? 32 * MiB : 256 * MiB;
    await env.file(size);
    await env.backend.restart();
    const variant = (on: boolean) => ({
      name: on ? 's3up, checksums on' : 's3up, checksums off',
      page: 's3up' as const,
      partSize,
      setting: on
        ? `WHEN_SUPPORTED (the AWS default): a CRC-32 per part, in core's Worker, and a full-object CRC on Complete; ${sizeLabel(partSize)} parts, ${settings.concurrency} in flight`
        : `WHEN_REQUIRED (what the token server says for RGW): no CRC; ${sizeLabel(partSize)} parts, ${settings.concurrency} in flight`,
      ...(on ? { query: '?checksums=on' } : {}),
    });
    const uploadSamples = await runInterleaved(
      [
        browserContender(env, variant(false), size, settings.concurrency),
        browserContender(env, variant(true), size, settings.concurrency),
      ],
      {
        rounds: settings.rounds,
        budgetMs: settings.quick ? 5 * 60_000 : 15 * 60_000,
        log: env.log,
        cpu: benchCpu(env),
      },
    );
    const uploads = compare(
      'checksum-upload',
      `s3up upload throughput, ${sizeLabel(size)}, checksums on and off`,
      'MiB/s',
      true,
      's3up, checksums off',
      uploadSamples,
    );
    const comparisons: Comparison[] = [cpu, crcThroughput, uploads];
    return {
      settings: {
        partSize: sizeLabel(partSize),
        parts,
        concurrency: settings.concurrency,
        rounds: settings.rounds,
        uploadSize: sizeLabel(size),
      },
      comparisons,
      targets: [
        absoluteTarget(
          'per-part CRCs ≤ 0.5 ms/MiB of main-thread CPU with WHEN_SUPPORTED (core’s default in a browser: its Worker)',
          cpu.contenders[0]?.summary?.median ?? null,
          0.5,
          'ms/MiB',
          true,
          cpu,
          MODES.worker,
        ),
        relativeTarget(
          'uploads with checksums on keep ≥ 0.95 × the throughput with them off (the CRC is off the upload’s critical path)',
          uploads,
          's3up, checksums on',
          's3up, checksums off',
          0.95,
        ),
      ],
      notes: [
        'Main-thread CPU is the CPU time of the page renderer’s main thread (/proc/<pid>/task/<pid>/schedstat: time on a CPU, so a loaded machine does not inflate it; the page’s renderer is the one running its dedicated Worker, a CRC Worker or an idle marker) over the hashing of all parts, per MiB, after a warm-up (Worker started, WebAssembly compiled) and a full GC: on the main-thread rows it includes reading each part from its Blob, on the Worker row posting each Blob and reading the answers; it also includes the DevTools evaluate call itself. The Worker’s own thread is not counted.',
        'The main-thread rows are what a page gets when its Content Security Policy refuses blob: workers (hash-wasm) or WebAssembly too (the table): core falls back to them by itself.',
        'Chromium throughput rows are wall time from the first part to the last, Blob reads included; the Node rows hash bytes already in memory.',
        '0.95 for checksums on vs off is this benchmark’s own bar (the issue gives none): RGW ignores the headers, so the gap is only what the client pays.',
      ],
    };
  },
};

/** MiB/s of each CRC implementation in Node over the same bytes, median of `rounds`. */
async function nodeThroughput(
  partSize: number,
  parts: number,
  rounds: number,
): Promise<Record<Crc32Implementation, number>> {
  const data = Array.from({ length: parts }, () => randomBytes(partSize));
  const out = {} as Record<Crc32Implementation, number>;
  for (const which of ['node:zlib', 'wasm', 'js'] as const) {
    const { crc32, implementation } = await loadCrc32(which);
    if (implementation !== which) throw new Error(`core loaded ${implementation}, not ${which}`);
    if (crc32(data[0]!) !== zlibCrc32(data[0]!)) throw new Error(`${which} disagrees with zlib`);
    const speeds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      for (const part of data) crc32(part);
      speeds.push((partSize * parts) / MiB / ((performance.now() - t0) / 1000));
    }
    out[which] = [...speeds].sort((a, b) => a - b)[speeds.length >> 1]!;
  }
  return out;
}

export default checksums;
