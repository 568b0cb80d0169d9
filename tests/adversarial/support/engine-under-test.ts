import { randomBytes } from 'node:crypto';
import { Uploader, type UploaderOptions, type UploadTask } from '@s3up/core';
import type { TokenServerUnderTest } from './token-server-under-test.js';

export const MiB = 1024 * 1024;

/** Random bytes and a File holding them. */
export function randomFile(size: number, name = 'file.bin'): { file: File; bytes: Buffer } {
  const bytes = randomBytes(size);
  return { file: new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' }), bytes };
}

/**
 * An uploader on a token server under test, as a signed-in user: `tokenFor(call)` gives
 * the bearer token for the n-th credentials request (1-based), so a test can make a
 * later refresh fail. `calls()` counts the credentials requests the engine made.
 */
export function engineFor(
  server: TokenServerUnderTest,
  user: string,
  options: Partial<UploaderOptions> & { tokenFor?: (call: number) => Promise<string> } = {},
) {
  const { tokenFor, ...rest } = options;
  let calls = 0;
  const uploader = new Uploader({
    credentials: {
      url: `${server.url}/credentials`,
      request: async (init) => {
        calls += 1;
        const token = tokenFor ? await tokenFor(calls) : await server.token(user);
        return {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        };
      },
    },
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    retry: { retries: 3, baseDelay: 50, maxDelay: 500 },
    network: null,
    resumeStore: null,
    ...rest,
  });
  return { uploader, calls: () => calls };
}

/** Resolves when the task is final (succeeded, failed or cancelled). */
export function settled(uploader: Uploader, task: UploadTask): Promise<UploadTask> {
  const final = () =>
    ['succeeded', 'failed', 'cancelled'].includes(uploader.get(task.id)?.state ?? task.state);
  return new Promise((resolve) => {
    if (final()) return resolve(task);
    const check = () => {
      if (!final()) return;
      for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const) {
        uploader.removeEventListener(type, check);
      }
      resolve(uploader.get(task.id) ?? task);
    };
    for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const) {
      uploader.addEventListener(type, check);
    }
  });
}
