// The engine's code loads after the first render (src/engine-loader.ts). If it cannot be
// fetched (offline, a deploy that removed its chunk), the files waiting for it must not hang
// as "Waiting": they fail with the network reason, and Retry fetches the engine again.
// Its own file: the engine must not have loaded in this document before.
import { afterAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { digest, file, mount, readBack, rowOf, statusOfRow } from './fixture.js';

afterAll(() => commands.engineFetchRestore());

it('a file waiting for an engine that cannot be fetched fails with the network reason; Retry fetches it and uploads', async () => {
  await commands.engineFetchFail();
  const { el, token } = await mount();
  const offline = file('offline.bin', 2000);
  el.addFiles([offline]);
  await expect.poll(() => statusOfRow(el, 'offline.bin'), { timeout: 15_000 }).toBe('failed');
  expect(rowOf(el, 'offline.bin').querySelector('[part="reason"]')?.textContent).toMatch(
    /connection|network/i,
  );
  expect(el.uploader).toBeUndefined();
  await expect(el.whenUploaderReady()).rejects.toThrow();

  await commands.engineFetchRestore();
  rowOf(el, 'offline.bin').querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
  await expect.poll(() => statusOfRow(el, 'offline.bin'), { timeout: 30_000 }).toBe('succeeded');
  const [key] = el.value;
  expect(await digest(await readBack(key!, token))).toBe(await digest(offline));
});
