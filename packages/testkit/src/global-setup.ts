import type { TestProject } from 'vitest/node';
import { type LocalS3, readLocalS3, startLocalS3, stopLocalS3 } from './local-s3.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localS3: LocalS3;
  }
}

interface Shared {
  cluster: Promise<{ local: LocalS3; owned: boolean }>;
  users: number;
}
// Every project that lists this file shares one cluster for the run: vitest loads the file
// once per project, but all of them run in the same main process.
const KEY = Symbol.for('s3up.testkit.cluster');
const store = globalThis as unknown as Record<symbol, Shared | undefined>;

async function acquire(): Promise<{ local: LocalS3; owned: boolean }> {
  // S3UP_LOCAL_S3_DIR reuses a cluster started by `pnpm local-s3 up` (faster while developing).
  const reuse = process.env.S3UP_LOCAL_S3_DIR;
  if (reuse) {
    const local = await readLocalS3(reuse);
    if (!local) throw new Error(`S3UP_LOCAL_S3_DIR=${reuse} holds no running cluster; run pnpm local-s3 up`);
    return { local, owned: false };
  }
  return { local: await startLocalS3(), owned: true };
}

/**
 * The cluster of the current run, for other globalSetup files listed after this one
 * (the token server's, for instance). Throws when this setup has not run.
 */
export async function currentLocalS3(): Promise<LocalS3> {
  const shared = store[KEY];
  if (!shared) throw new Error('currentLocalS3(): list @s3up/testkit global-setup before this globalSetup');
  return (await shared.cluster).local;
}

/**
 * vitest globalSetup: boots one local S3+STS cluster for the run and provides its
 * description to the tests as `inject('localS3')`.
 */
export default async function setup(project: TestProject) {
  let shared = store[KEY];
  if (!shared) {
    shared = { cluster: acquire(), users: 0 };
    store[KEY] = shared;
  }
  shared.users += 1;
  const { local } = await shared.cluster;
  project.provide('localS3', local);
  return async () => {
    const current = store[KEY];
    if (!current) return;
    current.users -= 1;
    if (current.users > 0) return;
    store[KEY] = undefined;
    const { local: cluster, owned } = await current.cluster;
    if (owned) await stopLocalS3(cluster);
  };
}
