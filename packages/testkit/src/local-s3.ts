import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBackendPackages } from './install.js';
import { freePorts } from './ports.js';
import { provision } from './provision.js';

const run = promisify(execFile);
const scripts = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts');

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Everything a test, the demo or a benchmark needs to use the local backend. */
export interface LocalS3 {
  /** S3, STS and IAM all answer here (path-style S3). */
  endpoint: string;
  region: string;
  /** Owned by the token service's user, with CORS for `corsOrigins`. */
  bucket: string;
  /** `s3up-uploader`: trusts the token service's user; its policy covers the bucket. */
  roleArn: string;
  roleName: string;
  /** The token service's long-term keys: it calls AssumeRole with these. */
  service: AwsKeys & { userId: string; arn: string };
  /** An administrator with IAM capabilities (roles, policies), for setup and the CLI's tests. */
  admin: AwsKeys & { userId: string };
  corsOrigins: string[];
  /** The cluster's working directory (config, logs, pid files). */
  dir: string;
  ports: { rgw: number; monV2: number; monV1: number };
  /** Shortest credential lifetime the backend accepts (AWS: 900 s; here 1 s, for expiry tests). */
  minSessionSeconds: number;
}

export interface StartOptions {
  /** Working directory; wiped on start. Default: a new `/tmp/s3up-XXXXXX` (unix sockets need a short path). */
  dir?: string;
  /** RGW port; default a free one. */
  port?: number;
  bucket?: string;
  roleName?: string;
  /** Origins allowed by the bucket CORS. Default: any port on localhost and 127.0.0.1. */
  corsOrigins?: string[];
  /**
   * RAM the in-memory OSD may hold. Default 4 GiB: enough for tests; benchmarks of multi-GiB
   * files want more (RGW frees deleted multipart data only after 2 h).
   */
  memstoreBytes?: number;
  /** Progress lines (boot steps); default silent. */
  log?: (line: string) => void;
  /**
   * A full restart of a cluster, as when its machine reboots: stops every daemon of `reuse`
   * (SIGKILL), wipes its directory (memstore: every object and upload is lost) and boots
   * a new cluster in the same directory, on the same ports, with the same keys, bucket,
   * role and STS key, provisioned afresh. Clients configured for `reuse` keep working
   * against the new one. The other options are ignored, except `log` and `memstoreBytes`.
   */
  reuse?: LocalS3;
}

export const DEFAULT_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];
export const STATE_FILE = 'local-s3.json';

function accessKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  return `AKIA${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}
const secretKey = () => randomBytes(30).toString('base64url').slice(0, 40);

/**
 * Boots a throwaway Ceph RGW (S3 + STS + IAM) on loopback and provisions the bucket,
 * CORS, the token service's user and the uploader role. Installs the Debian packages
 * first when they are missing (as root).
 *
 * @example
 * const s3 = await startLocalS3();
 * try { ... } finally { await stopLocalS3(s3); }
 */
export async function startLocalS3(options: StartOptions = {}): Promise<LocalS3> {
  const log = options.log ?? (() => {});
  ensureBackendPackages(log);
  const { reuse } = options;
  const dir =
    reuse?.dir ?? options.dir ?? (await mkdtemp(join(tmpdir().length < 40 ? tmpdir() : '/tmp', 's3up-')));
  if (dir.length > 60)
    throw new Error(`local S3 directory ${dir} is too long for unix sockets; pick a shorter one`);
  const [p1, p2, p3] = reuse ? [] : await freePorts(3);
  const ports = reuse ? { ...reuse.ports } : { rgw: options.port ?? p1!, monV2: p2!, monV1: p3! };
  const minSessionSeconds = 1;
  const admin = reuse
    ? { ...reuse.admin }
    : { userId: 'admin', accessKeyId: accessKey(), secretAccessKey: secretKey() };
  const service = reuse
    ? { ...reuse.service }
    : {
        userId: 'tokensvc',
        arn: 'arn:aws:iam:::user/tokensvc',
        accessKeyId: accessKey(),
        secretAccessKey: secretKey(),
      };
  // The same STS key keeps session tokens of the old cluster decodable (start-rgw.sh wipes the dir).
  const stsKey = (reuse && (await stsKeyOf(reuse.dir))) || randomBytes(8).toString('hex');
  const env = {
    ...process.env,
    CEPH_DIR: dir,
    RGW_PORT: String(ports.rgw),
    MON_PORT_V2: String(ports.monV2),
    MON_PORT_V1: String(ports.monV1),
    ADMIN_UID: admin.userId,
    ADMIN_ACCESS_KEY: admin.accessKeyId,
    ADMIN_SECRET_KEY: admin.secretAccessKey,
    SERVICE_UID: service.userId,
    SERVICE_ACCESS_KEY: service.accessKeyId,
    SERVICE_SECRET_KEY: service.secretAccessKey,
    STS_KEY: stsKey,
    STS_MIN_DURATION: String(minSessionSeconds),
    MEMSTORE_BYTES: String(options.memstoreBytes ?? 4 * 1024 ** 3),
  };
  const local: LocalS3 = reuse
    ? { ...reuse, service, admin, ports, dir, minSessionSeconds }
    : {
        endpoint: `http://127.0.0.1:${ports.rgw}`,
        region: 'us-east-1',
        bucket: options.bucket ?? 's3up-uploads',
        roleName: options.roleName ?? 's3up-uploader',
        roleArn: `arn:aws:iam:::role/${options.roleName ?? 's3up-uploader'}`,
        service,
        admin,
        corsOrigins: options.corsOrigins ?? DEFAULT_CORS_ORIGINS,
        dir,
        ports,
        minSessionSeconds,
      };
  try {
    const { stdout } = await run('bash', [join(scripts, 'start-rgw.sh')], { env, maxBuffer: 16 << 20 });
    for (const line of stdout.split('\n')) if (line) log(line);
  } catch (error) {
    const out = (error as { stdout?: string; stderr?: string }).stdout ?? '';
    throw new Error(`the local S3 backend did not start:\n${out}\n${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    await provision(local);
  } catch (error) {
    await stopLocalS3(local);
    throw error;
  }
  await writeFile(join(dir, STATE_FILE), `${JSON.stringify(local, null, 2)}\n`, { mode: 0o600 });
  log(`ready: ${local.endpoint} bucket ${local.bucket} role ${local.roleArn}`);
  return local;
}

/**
 * A full restart, as when the machine reboots: every daemon killed, every object and upload
 * lost (memstore), then the same endpoint, keys, bucket, role and STS key provisioned
 * afresh. Shorthand for `startLocalS3({ reuse: local })`.
 */
export function restartLocalS3(local: LocalS3, options: Pick<StartOptions, 'log' | 'memstoreBytes'> = {}) {
  return startLocalS3({ ...options, reuse: local });
}

/** The `rgw sts key` of a cluster's ceph.conf, if it has one. */
async function stsKeyOf(dir: string): Promise<string | undefined> {
  try {
    return /^rgw sts key = (\S{16})$/m.exec(await readFile(join(dir, 'ceph.conf'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Stops only the daemons this cluster started, and removes its directory. */
export async function stopLocalS3(local: Pick<LocalS3, 'dir'>, options: { keepDir?: boolean } = {}) {
  if (!existsSync(local.dir)) return;
  await run('bash', [join(scripts, 'stop-rgw.sh'), '--kill'], {
    env: { ...process.env, CEPH_DIR: local.dir },
  });
  if (!options.keepDir) await rm(local.dir, { recursive: true, force: true });
}

export interface RestartGatewayOptions {
  /** How long radosgw stays down between the kill and the new start; default 0. */
  downMs?: number;
  /** Called once radosgw is dead and its port refuses connections (before the wait). */
  onDown?: () => void | Promise<void>;
}

async function gateway(local: Pick<LocalS3, 'dir'>, mode: 'kill' | 'start'): Promise<void> {
  try {
    await run('bash', [join(scripts, 'restart-rgw.sh'), mode], {
      env: { ...process.env, CEPH_DIR: local.dir },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`restart-rgw.sh ${mode} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
  }
}

/**
 * Kills the cluster's radosgw with SIGKILL, as a crash would (only the PID it started,
 * checked to still be its radosgw), and waits until its port refuses connections. The mon
 * and the memstore OSD keep running, so objects and in-progress multipart uploads survive.
 */
export function killGateway(local: Pick<LocalS3, 'dir'>): Promise<void> {
  return gateway(local, 'kill');
}

/** Starts the cluster's radosgw again (same ceph.conf, same port) and waits until it answers. */
export function startGateway(local: Pick<LocalS3, 'dir'>): Promise<void> {
  return gateway(local, 'start');
}

/**
 * A gateway crash and restart: {@link killGateway}, `downMs` of outage, {@link startGateway}.
 * Data, multipart uploads, users, keys and STS sessions survive (the STS key is in ceph.conf).
 *
 * @example
 * await restartGateway(local, { downMs: 2000, onDown: () => console.log('down') });
 */
export async function restartGateway(
  local: Pick<LocalS3, 'dir'>,
  options: RestartGatewayOptions = {},
): Promise<void> {
  await killGateway(local);
  await options.onDown?.();
  if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
  await startGateway(local);
}

/** Reads the description a running cluster left in its directory, or null. */
export async function readLocalS3(dir: string): Promise<LocalS3 | null> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as LocalS3;
  } catch {
    return null;
  }
}

/** Whether the cluster's RGW answers HTTP. */
export async function isLocalS3Up(local: Pick<LocalS3, 'endpoint'>): Promise<boolean> {
  try {
    const response = await fetch(local.endpoint, { signal: AbortSignal.timeout(2000) });
    return response.status < 500;
  } catch {
    return false;
  }
}

/** The environment variables the packages read, pointing at this cluster. */
export function localS3Env(local: LocalS3): Record<string, string> {
  return {
    S3UP_ENDPOINT: local.endpoint,
    S3UP_REGION: local.region,
    S3UP_BUCKET: local.bucket,
    S3UP_ROLE_ARN: local.roleArn,
    S3UP_FORCE_PATH_STYLE: 'true',
    S3UP_CHECKSUMS: 'WHEN_REQUIRED',
    AWS_ACCESS_KEY_ID: local.service.accessKeyId,
    AWS_SECRET_ACCESS_KEY: local.service.secretAccessKey,
    AWS_REGION: local.region,
  };
}
