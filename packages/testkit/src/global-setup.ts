import type { TestProject } from 'vitest/node';
import { type LocalS3, readLocalS3, startLocalS3, stopLocalS3 } from './local-s3.js';
import { runShared } from './run-shared.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localS3: LocalS3;
  }
}

const cluster = runShared(
  'local-s3',
  async (): Promise<{ local: LocalS3; owned: boolean }> => {
    // S3UP_LOCAL_S3_DIR reuses a cluster started by `pnpm local-s3 up` (faster while developing).
    const reuse = process.env.S3UP_LOCAL_S3_DIR;
    if (reuse) {
      const local = await readLocalS3(reuse);
      if (!local)
        throw new Error(`S3UP_LOCAL_S3_DIR=${reuse} holds no running cluster; run pnpm local-s3 up`);
      return { local, owned: false };
    }
    return { local: await startLocalS3(), owned: true };
  },
  async ({ local, owned }) => {
    if (owned) await stopLocalS3(local);
  },
);

/**
 * The cluster of the current run, for other globalSetup files listed after this one
 * (the token server's, for instance). Throws when this setup has not run.
 */
export async function currentLocalS3(): Promise<LocalS3> {
  return (await cluster.current()).local;
}

/**
 * vitest globalSetup: boots one local S3+STS cluster for the run and provides its
 * description to the tests as `inject('localS3')`.
 */
export default async function setup(project: TestProject) {
  const { value, release } = await cluster.acquire();
  project.provide('localS3', value.local);
  return release;
}
