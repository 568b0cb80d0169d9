import { readdir, readFile } from 'node:fs/promises';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux for every architecture in use). */
const TICKS_PER_SECOND = 100;

/** Others may use at most this share of the machine's CPU during a round before it is called noisy (issue 21). */
export const NOISY_SHARE = 0.1;

interface ProcessSample {
  ppid: number;
  /** utime + stime, in ticks. */
  ticks: number;
  /** The process's command line (NUL-separated arguments joined by spaces). */
  cmdline: string;
}

/** A moment's CPU counters: the machine's, and every process's. */
export interface CpuSnapshot {
  at: number;
  /** Busy ticks of all cores since boot (/proc/stat: everything but idle and iowait). */
  busy: number;
  processes: Map<number, ProcessSample>;
}

/** How a process is counted. `null` leaves it to "others". */
export type ProcessClassifier = (pid: number, process: ProcessSample, ancestors: number[]) => string | null;

/** CPU used between two snapshots, by group, in milliseconds of CPU time. */
export interface CpuUse {
  wallMs: number;
  cores: number;
  /** All busy time of the machine. */
  totalMs: number;
  /** Per group (e.g. `chromium renderer`, `backend`, `harness`). */
  groups: Record<string, number>;
  /** Busy time not in any group: other sessions' compilers, tests, browsers. */
  othersMs: number;
  /** othersMs / (wallMs × cores): the share of the whole machine others used. */
  othersShare: number;
  /** othersShare > NOISY_SHARE. */
  noisy: boolean;
}

async function readProcess(pid: number): Promise<ProcessSample | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    return { ppid, ticks, cmdline };
  } catch {
    return null; // exited meanwhile
  }
}

/** Reads /proc/stat and every /proc/<pid>/stat: a few milliseconds for a few hundred processes. */
export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const at = Date.now();
  const stat = await readFile('/proc/stat', 'utf8');
  const total = stat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const busy = total.reduce((a, b) => a + b, 0) - (total[3] ?? 0) - (total[4] ?? 0);
  const processes = new Map<number, ProcessSample>();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  await Promise.all(
    pids.map(async (pid) => {
      const sample = await readProcess(pid);
      if (sample) processes.set(pid, sample);
    }),
  );
  return { at, busy, processes };
}

function ancestorsOf(pid: number, processes: Map<number, ProcessSample>): number[] {
  const chain: number[] = [];
  let current = processes.get(pid)?.ppid;
  for (let i = 0; current && i < 64; i++) {
    chain.push(current);
    current = processes.get(current)?.ppid;
  }
  return chain;
}

/**
 * What each group used between `before` and `after`. A process that exited between the two
 * is missing from `after`: its time is in the machine's total and so lands in "others"
 * (the harness keeps its own processes alive across a round, so this only overstates noise).
 */
export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, classify: ProcessClassifier): CpuUse {
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  const groups: Record<string, number> = {};
  let grouped = 0;
  for (const [pid, now] of after.processes) {
    const group = classify(pid, now, ancestorsOf(pid, after.processes));
    if (!group) continue;
    const was = before.processes.get(pid);
    // A process started during the round: all its time is the round's.
    const used = now.ticks - (was && was.cmdline === now.cmdline ? was.ticks : 0);
    if (used <= 0) continue;
    groups[group] = (groups[group] ?? 0) + ms(used);
    grouped += used;
  }
  const wallMs = Math.max(1, after.at - before.at);
  const cores = cpus().length;
  const totalTicks = after.busy - before.busy;
  const othersMs = Math.max(0, ms(totalTicks - grouped));
  const othersShare = othersMs / (wallMs * cores);
  return {
    wallMs,
    cores,
    totalMs: ms(totalTicks),
    groups,
    othersMs,
    othersShare,
    noisy: othersShare > NOISY_SHARE,
  };
}

/** Chromium's process kind from its command line: browser, renderer, network, gpu, utility. */
export function chromiumKind(cmdline: string): string {
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser';
  if (type === 'utility' && cmdline.includes('NetworkService')) return 'network';
  if (type === 'gpu-process') return 'gpu';
  return type;
}

/**
 * The bench's own process groups: Chromium (by kind, under the browser `browserPid`
 * launched), the local backend (every process whose command line names its directory), the
 * harness (this process: the tap, the page server and the Node limit live in it).
 */
export function benchClassifier(options: { browserPid?: number; backendDir?: string }): ProcessClassifier {
  return (pid, process, ancestors) => {
    if (pid === globalThis.process.pid) return 'harness';
    if (options.browserPid && (pid === options.browserPid || ancestors.includes(options.browserPid)))
      return `chromium ${chromiumKind(process.cmdline)}`;
    if (options.backendDir && process.cmdline.includes(options.backendDir)) return 'backend';
    return null;
  };
}
