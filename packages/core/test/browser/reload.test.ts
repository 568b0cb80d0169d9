// Resume after a real page reload: an iframe uploads part of a file, is reloaded (its JS
// heap is gone, IndexedDB stays), and the same file picked again continues the upload.

import { throttleUplink } from '@s3up/testkit/chromium-network';
import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { expect, inject, it } from 'vitest';
import { testUser } from '../support/token.js';
import type { ReloadCommand, ReloadReport } from './fixtures/reload-page.js';

const tokenServer = inject('tokenServer');
const MiB = 1024 * 1024;

function nextMessage<T>(test: (data: unknown) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent) => {
      if (event.origin !== location.origin || !test(event.data)) return;
      window.removeEventListener('message', listener);
      resolve(event.data as T);
    };
    window.addEventListener('message', listener);
  });
}

it('resumes from IndexedDB after a real reload of the page, sending only the missing parts', async () => {
  const user = testUser('reload');
  const command: Omit<ReloadCommand, 'phase'> = {
    url: `${tokenServer.url}/credentials`,
    token: await mintToken(tokenServer.jwt, user, { expiresIn: '1h' }),
    dbName: `s3up-reload-${user}`,
    size: 20 * MiB,
    seed: 5,
  };
  const frame = document.createElement('iframe');
  const ready = () => nextMessage<{ ready: true }>((d) => (d as { ready?: boolean })?.ready === true);
  let loaded = ready();
  frame.src = new URL('./fixtures/reload-page.html', import.meta.url).href;
  document.body.append(frame);
  await loaded;

  await throttleUplink(10 * MiB);
  const interrupted = nextMessage<ReloadReport>((d) => (d as ReloadReport)?.phase === 'interrupt');
  frame.contentWindow!.postMessage({ ...command, phase: 'interrupt' }, location.origin);
  const first = await interrupted;
  expect(first.error).toBeUndefined();
  expect(first.state).toBe('paused');
  await throttleUplink(null);

  loaded = ready();
  frame.contentWindow!.location.reload();
  await loaded;
  const resumed = nextMessage<ReloadReport>((d) => (d as ReloadReport)?.phase === 'resume');
  frame.contentWindow!.postMessage({ ...command, phase: 'resume' }, location.origin);
  const second = await resumed;
  expect(second.error).toBeUndefined();
  expect(second.state).toBe('succeeded');
  expect(second.resumed).toBe(true);
  expect(second.key).toBe(first.key);
  // Resource timing starts empty after the reload: these are the new page's requests only.
  expect(second.parts).toEqual([3, 4]);
  frame.remove();
});
