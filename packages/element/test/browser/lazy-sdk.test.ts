// The engine (@s3up/core's Uploader) and the AWS SDK are most of what an upload needs to
// download (bench: bundle-size). Neither is in the element's static imports, so rendering
// never waits for them; the element loads the engine, which starts fetching the SDK, once the
// page is idle after the first render, or when the user points at, focuses or drags onto it,
// or adds a file, so the first upload does not wait either (issue 21).
import { expect, it } from 'vitest';
import type { S3Upload } from '../../src/index.js';
import {
  digest,
  file,
  jwtFor,
  mount,
  newUser,
  readBack,
  rowOf,
  statusOfRow,
  tokenServer,
} from './fixture.js';

/** The AWS SDK modules this document has requested so far (resource timing is per document). */
function sdkRequests(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((name) => /@aws-sdk|aws-sdk_/.test(name));
}

// First in this file: the engine has not loaded in this document yet.
it('lists a file added before the engine has loaded at once, queued, then uploads it with the engine', async () => {
  const token = await jwtFor(newUser('early'));
  const el = document.createElement('s3-upload') as S3Upload;
  el.endpoint = `${tokenServer.url}/credentials`;
  el.credentialsRequest = (init) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  let succeeded: string | undefined;
  el.addEventListener('s3-upload-succeeded', (e) => {
    succeeded = e.detail.key;
  });
  document.body.append(el);
  const early = file('early.bin', 3000);
  el.addFiles([early]);
  // No engine yet, and the element did not wait for one to list the file.
  expect(el.uploader).toBeUndefined();
  await el.updateComplete;
  expect(statusOfRow(el, 'early.bin')).toBe('queued');
  // Nothing to pause before the engine has it; cancelling is offered.
  expect(rowOf(el, 'early.bin').querySelector('[part~="pause-button"]')).toBeNull();
  expect(rowOf(el, 'early.bin').querySelector('[part~="cancel-button"]')).not.toBeNull();

  const uploader = await el.whenUploaderReady();
  expect(el.uploader).toBe(uploader);
  // Handed over in its row: one row, now the engine's task.
  expect(uploader.tasks.map((t) => t.name)).toEqual(['early.bin']);
  await expect.poll(() => statusOfRow(el, 'early.bin'), { timeout: 30_000 }).toBe('succeeded');
  expect(el.shadowRoot!.querySelectorAll('[part~="item"]')).toHaveLength(1);
  expect(el.value).toEqual([succeeded]);
  expect(await digest(await readBack(succeeded!, token))).toBe(await digest(early));
});

it('fetches the AWS SDK on focus or when idle, before any upload starts; the first upload then succeeds', async () => {
  const { el } = await mount({ auto: 'false' });
  el.addFiles([file('later.bin', 2000)]);
  await expect.poll(() => statusOfRow(el, 'later.bin')).toBe('queued');
  el.shadowRoot!.querySelector<HTMLElement>('[part="browse-button"]')!.focus();
  // No upload has started, yet the SDK is on its way.
  await expect
    .poll(() => sdkRequests().some((name) => name.includes('client-s3')), { timeout: 15_000 })
    .toBe(true);
  expect(statusOfRow(el, 'later.bin')).toBe('queued');

  (await el.whenUploaderReady()).start();
  await expect.poll(() => statusOfRow(el, 'later.bin'), { timeout: 30_000 }).toBe('succeeded');
});
