import { execFileSync, spawnSync } from 'node:child_process';

/** Binaries the local backend needs, and the Debian packages that provide them. */
const REQUIRED: Record<string, string> = {
  'ceph-mon': 'ceph-mon',
  'ceph-osd': 'ceph-osd',
  radosgw: 'radosgw',
  'radosgw-admin': 'radosgw',
  ceph: 'ceph-common',
  'ceph-authtool': 'ceph-common',
  monmaptool: 'ceph-common',
  uuidgen: 'uuid-runtime',
  curl: 'curl',
};

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** The Debian packages still missing for the local backend. */
export function missingPackages(): string[] {
  const missing = new Set<string>();
  for (const [bin, pkg] of Object.entries(REQUIRED)) if (!has(bin)) missing.add(pkg);
  return [...missing];
}

/**
 * Installs the Debian packages of the local backend when they are missing.
 * Needs root (as on CI and the project's machines); otherwise it says which command to run.
 */
export function ensureBackendPackages(log: (line: string) => void = () => {}): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The local S3 backend needs Debian packages that are not installed: ${missing.join(', ')}. ` +
        `Install them as root: sudo apt-get update && sudo ${command}`,
    );
  }
  log(`installing ${missing.join(', ')} with apt-get (about 30 s, once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
  execFileSync('sh', ['-c', command], { stdio: 'ignore', env });
  const still = missingPackages();
  if (still.length > 0) throw new Error(`apt-get did not install ${still.join(', ')}; run: ${command}`);
}
