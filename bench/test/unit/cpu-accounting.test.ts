import { describe, expect, it } from 'vitest';
import {
  benchClassifier,
  type CpuSnapshot,
  chromiumKind,
  cpuSnapshot,
  cpuUse,
  NOISY_SHARE,
} from '../../src/cpu-accounting.js';
import { contenderCpu } from '../../src/results.js';

const snapshot = (at: number, busy: number, processes: [number, number, number, string][]): CpuSnapshot => ({
  at,
  busy,
  processes: new Map(processes.map(([pid, ppid, ticks, cmdline]) => [pid, { ppid, ticks, cmdline }])),
});

describe('per-process CPU accounting', () => {
  const browser = 5000;
  const classify = benchClassifier({ browserPid: browser, backendDir: '/tmp/s3up-abc' });
  const self = process.pid;

  it('splits the machine busy time into our groups and others, and calls a round noisy past a tenth', () => {
    // 1 s of wall time on the machine's cores; ticks are 10 ms.
    const before = snapshot(0, 1000, [
      [self, 1, 100, 'node run.ts'],
      [browser, self, 50, '/usr/lib/chromium/chromium --headless'],
      [5001, browser, 10, '/usr/lib/chromium/chromium --type=renderer'],
      [
        5002,
        browser,
        10,
        '/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService',
      ],
      [6000, 1, 10, 'radosgw -c /tmp/s3up-abc/ceph.conf'],
      [7000, 1, 0, 'tsc -p other-helper'],
    ]);
    const after = snapshot(1000, 1000 + 150, [
      [self, 1, 110, 'node run.ts'],
      [browser, self, 60, '/usr/lib/chromium/chromium --headless'],
      [5001, browser, 40, '/usr/lib/chromium/chromium --type=renderer'],
      [
        5002,
        browser,
        15,
        '/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService',
      ],
      // A renderer started during the round: all its time is the round's.
      [5003, 5001, 5, '/usr/lib/chromium/chromium --type=renderer'],
      [6000, 1, 30, 'radosgw -c /tmp/s3up-abc/ceph.conf'],
      [7000, 1, 70, 'tsc -p other-helper'],
    ]);
    const use = cpuUse(before, after, classify);
    expect(use.groups).toEqual({
      harness: 100,
      'chromium browser': 100,
      'chromium renderer': 350,
      'chromium network': 50,
      backend: 200,
    });
    expect(use.totalMs).toBe(1500);
    // 150 ticks busy − 80 ours = 70 ticks = 700 ms of others, the tsc.
    expect(use.othersMs).toBe(700);
    expect(use.othersShare).toBeCloseTo(700 / (1000 * use.cores));
    expect(use.noisy).toBe(use.othersShare > NOISY_SHARE);
  });

  it('gives CPU per MiB per group as medians over rounds, and counts noisy rounds', () => {
    const round = (renderer: number, others: number, share: number) => ({
      wallMs: 1000,
      cores: 2,
      totalMs: renderer + others,
      groups: { 'chromium renderer': renderer },
      othersMs: others,
      othersShare: share,
      noisy: share > NOISY_SHARE,
    });
    const cpu = contenderCpu(
      [round(100, 10, 0.01), round(300, 500, 0.5), round(200, 20, 0.02)],
      100 * 1024 * 1024,
    );
    expect(cpu?.msPerMiB).toEqual({ 'chromium renderer': 2, others: 0.2 });
    expect(cpu?.noisyRounds).toBe(1);
    expect(cpu?.othersShare).toEqual([0.01, 0.5, 0.02]);
  });

  it("names Chromium's processes by kind", () => {
    expect(chromiumKind('/usr/lib/chromium/chromium --headless about:blank')).toBe('browser');
    expect(chromiumKind('chromium --type=renderer --lang=en')).toBe('renderer');
    expect(chromiumKind('chromium --type=gpu-process')).toBe('gpu');
    expect(chromiumKind('chromium --type=utility --utility-sub-type=network.mojom.NetworkService')).toBe(
      'network',
    );
    expect(chromiumKind('chromium --type=utility --utility-sub-type=storage.mojom.StorageService')).toBe(
      'utility',
    );
  });

  it('reads this machine: this process is in the snapshot with its own CPU time', async () => {
    const before = await cpuSnapshot();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i % 7;
    const after = await cpuSnapshot();
    expect(x).toBeGreaterThan(0);
    expect(after.processes.get(process.pid)?.cmdline).toContain('node');
    const use = cpuUse(before, after, benchClassifier({}));
    expect(use.groups.harness ?? 0).toBeGreaterThan(0);
  });
});
