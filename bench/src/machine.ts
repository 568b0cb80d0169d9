import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromiumPath } from '@s3up/testkit';

const run = promisify(execFile);
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(benchDir, 'package.json'));

/** What a figure was measured on: without it a figure cannot be compared with the next run's. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average at start: a busy shared machine explains a slow run. */
  loadAverage: number;
  os: string;
  node: string;
  chromium: string;
  ceph: string;
  /** Commit of the checkout, and whether s3up's packages had uncommitted changes. */
  git: { commit: string; dirty: boolean };
  versions: Record<string, string>;
}

async function output(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}

/** The installed version of a dependency of bench/ (resolved the way the bench resolves it). */
async function installedVersion(name: string): Promise<string> {
  try {
    const entry = require.resolve(`${name}/package.json`);
    return (JSON.parse(await readFile(entry, 'utf8')) as { version: string }).version;
  } catch {
    // Packages whose exports map hides package.json: walk up from the resolved entry.
    try {
      let dir = dirname(require.resolve(name));
      for (let i = 0; i < 6; i++, dir = dirname(dir)) {
        try {
          const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
            name?: string;
            version: string;
          };
          if (pkg.name === name) return pkg.version;
        } catch {}
      }
    } catch {}
    return 'not installed';
  }
}

export const MEASURED_PACKAGES = [
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  '@uppy/core',
  '@uppy/aws-s3',
  '@uppy/dashboard',
  'esbuild',
  'autocannon',
];

export async function machineInfo(): Promise<MachineInfo> {
  const cpuList = cpus();
  const versions: Record<string, string> = {};
  for (const name of MEASURED_PACKAGES) versions[name] = await installedVersion(name);
  const root = join(benchDir, '..');
  const commit = await output('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const status = await output('git', [
    '-C',
    root,
    'status',
    '--porcelain',
    '--',
    'packages/core',
    'packages/element',
    'packages/token-server',
  ]);
  let chromium = 'unknown';
  try {
    chromium = await output(chromiumPath(), ['--version']);
  } catch {}
  return {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    os: `${await output('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])} (${release()}, ${arch()})`,
    node: process.version,
    chromium,
    ceph: (await output('radosgw', ['--version'])).split('\n')[0] ?? 'unknown',
    git: { commit, dirty: status !== '' && status !== 'unknown' },
    versions,
  };
}
