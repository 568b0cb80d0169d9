import type { Uploader } from '../../src/index.js';

/** Resolves when the task reaches a final state (one `settled` for every suite: the testkit's). */
export { settled } from '@s3up/testkit/engine-events';

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
