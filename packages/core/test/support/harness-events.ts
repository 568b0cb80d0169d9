import type { Uploader, UploadTask } from '../../src/index.js';

/** Resolves when the task reaches a final state. */
export function settled(up: Uploader, task: UploadTask): Promise<UploadTask> {
  return new Promise((resolve) => {
    const check = () => {
      if (['succeeded', 'failed', 'cancelled'].includes(task.state)) resolve(task);
    };
    for (const type of ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const) {
      up.addEventListener(type, check);
    }
    check();
  });
}

/** Resolves at the first event of `type` for which `when` holds. */
export function nextEvent<K extends Parameters<Uploader['addEventListener']>[0]>(
  up: Uploader,
  type: K,
  when: () => boolean = () => true,
): Promise<void> {
  return new Promise((resolve) => {
    const listener = () => {
      if (!when()) return;
      up.removeEventListener(type, listener);
      resolve();
    };
    up.addEventListener(type, listener);
  });
}
