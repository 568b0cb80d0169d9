import { rm } from 'node:fs/promises';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { type LocalS3, s3Client } from '@s3up/testkit';
import { BenchError } from './bench-error.js';
import { BrowserSession } from './browser-session.js';
import { limitUpload } from './limit-upload.js';
import { LocalBackend } from './local-backend.js';
import { bundlePage, type PageName } from './page-bundle.js';
import { type PageServer, startPageServer } from './page-server.js';
import { assumeBenchRole, type BenchCredentials, credentialsResponse } from './temporary-credentials.js';
import { testFile } from './test-file.js';
import { startWireTap, type WireTap } from './wire-tap.js';

export interface EnvironmentOptions {
  workDir: string;
  log: (line: string) => void;
  memstoreBytes?: number;
}

/**
 * What the benchmarks share within one `pnpm bench` run, each made on first use and torn
 * down at the end: the local backend, one Chromium, the page server with the contenders'
 * bundles, the random test files.
 */
export class BenchEnvironment {
  readonly backend: LocalBackend;
  readonly workDir: string;
  readonly log: (line: string) => void;
  #browser: BrowserSession | null = null;
  #pageServer: PageServer | null = null;
  #bundles: Record<string, string> = {};
  #bundleErrors = new Map<PageName, BenchError>();
  #credentials: { generation: number; value: BenchCredentials } | null = null;
  #keySeq = 0;
  #tap: WireTap | null = null;
  /**
   * `cached`: /credentials answers the cluster's current credentials (a token server's
   * cache hit). `fresh`: every /credentials request makes its own AssumeRole call (a
   * cache miss: what a user's first request costs).
   */
  credentialMode: 'cached' | 'fresh' = 'cached';

  constructor(options: EnvironmentOptions) {
    this.workDir = options.workDir;
    this.log = options.log;
    this.backend = new LocalBackend({ log: options.log, memstoreBytes: options.memstoreBytes });
  }

  file(bytes: number): Promise<string> {
    return testFile(this.workDir, bytes);
  }

  /** A key nobody used in this run, under users/bench/. */
  key(contender: string): string {
    return `users/bench/${contender}-${Date.now()}-${++this.#keySeq}.bin`;
  }

  /** Temporary credentials for the current cluster (new ones after each restart). */
  async credentials(): Promise<BenchCredentials> {
    if (this.#credentials?.generation !== this.backend.generation)
      this.#credentials = {
        generation: this.backend.generation,
        value: await assumeBenchRole(this.backend.current),
      };
    return this.#credentials.value;
  }

  /**
   * One small multipart upload from Node, untimed, through the tap, and an AssumeRole: what a
   * freshly started cluster answers slowly once. RGW took 100 to 260 ms for the first
   * CreateMultipartUpload after a start (later ones: under 10 ms), and in a benchmark that
   * restarts the backend and then measures, the contender that goes first in round 1 paid
   * for it: s3up in every first-byte run (169.5 ms in the quiet run of 6 December, against
   * 69 and 53 in its other rounds). Call it after `backend.restart()`.
   */
  async warmUpBackend(): Promise<void> {
    const local = this.backend.current;
    const size = 1024 * 1024;
    const key = this.key('warm-up');
    await limitUpload({
      endpoint: (await this.tap()).endpoint,
      region: local.region,
      bucket: local.bucket,
      key,
      path: await this.file(size),
      size,
      partSize: size,
      concurrency: 1,
      keys: await this.credentials(),
    });
    await assumeBenchRole(local);
    await this.verifyObject(local, key, size);
  }

  /** The pass-through tap every contender's S3 traffic goes through (see wire-tap.ts). */
  async tap(): Promise<WireTap> {
    this.#tap ??= await startWireTap(() => this.backend.current.endpoint);
    return this.#tap;
  }

  /** Chromium's browser process, once started (its descendants are the renderers and services). */
  get browserPid(): number | undefined {
    return this.#browser?.pid;
  }

  async browser(): Promise<BrowserSession> {
    this.#browser ??= await BrowserSession.launch();
    return this.#browser;
  }

  /**
   * The page server with `names` bundled. A contender that does not bundle is remembered
   * and its error rethrown by `pageUrl`, so its rounds fail while the others run.
   */
  async pages(names: PageName[]): Promise<PageServer> {
    for (const name of names) {
      if (this.#bundles[name] || this.#bundleErrors.has(name)) continue;
      try {
        this.#bundles[name] = await bundlePage(name);
      } catch (error) {
        this.#bundleErrors.set(name, error as BenchError);
        this.log(`  ${name} page not bundled: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    if (!this.#pageServer) {
      const tap = await this.tap();
      this.#pageServer = await startPageServer(this.#bundles);
      this.#pageServer.credentials = async () =>
        credentialsResponse(
          this.backend.current,
          this.credentialMode === 'fresh'
            ? await assumeBenchRole(this.backend.current)
            : await this.credentials(),
          tap.endpoint,
        );
    }
    return this.#pageServer;
  }

  pageUrl(name: PageName): string {
    const error = this.#bundleErrors.get(name);
    if (error) throw error;
    if (!this.#pageServer) throw new Error('call pages() first');
    return this.#pageServer.pageUrl(name);
  }

  /** Proves an upload really landed: the object exists with the file's size (read as the bucket owner). */
  async verifyObject(local: LocalS3, key: string, size: number): Promise<void> {
    const s3 = s3Client(local, local.service);
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: local.bucket, Key: key }));
      if (head.ContentLength !== size)
        throw new BenchError('upload', `${key} has ${head.ContentLength} bytes, expected ${size}`);
    } catch (error) {
      if (error instanceof BenchError) throw error;
      throw new BenchError('upload', `${key} is not in the bucket after the upload reported success`, {
        cause: error,
      });
    } finally {
      s3.destroy();
    }
  }

  async close(): Promise<void> {
    await this.#browser?.close().catch(() => {});
    await this.#pageServer?.close().catch(() => {});
    await this.#tap?.close().catch(() => {});
    for (const dir of Object.values(this.#bundles)) await rm(dir, { recursive: true, force: true });
    await this.backend.stop();
  }
}
