// The element's first render is its drop zone only (issue 21: render ≤ 15 kB gzip); the file
// list's code (src/upload-list.ts: rows, progress, per-file forms, the interrupted list)
// loads after it, when the page is idle or the user is about to pick. A file picked before
// that code has arrived must not be lost, nor shown half-drawn: it waits, the form knows an
// upload is on its way, and once the code is there it is listed and uploads.
// Its own file: the list's code must not have loaded in this document before.
import { afterAll, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { digest, file, mount, readBack, rows, statusOfRow } from './fixture.js';

afterAll(() => commands.listFetchRelease());

it("a file picked before the file list's code has arrived is listed once it has, and uploads", async () => {
  await commands.listFetchHold();
  const { el, token } = await mount({ name: 'files' });
  const added: string[] = [];
  el.addEventListener('s3-files-added', (e) => added.push(...e.detail.files.map((f) => f.name)));
  const form = document.createElement('form');
  form.append(el);
  document.body.append(form);
  await el.updateComplete;

  // Picked in the element's own input, as a user does.
  const picked = file('picked-early.bin', 3000);
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const chosen = new DataTransfer();
  chosen.items.add(picked);
  input.files = chosen.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));

  // The list's code is held back: no row yet, the drop zone and its empty slot as before,
  // and the form refuses to submit, as it does while an upload runs.
  expect(el.files).toEqual([]);
  expect(rows(el)).toHaveLength(0);
  expect(el.shadowRoot!.querySelector('[part="empty"]')).not.toBeNull();
  expect(el.shadowRoot!.querySelector('[part="summary"]')).toBeNull();
  expect(el.validity.customError).toBe(true);
  expect(el.checkValidity()).toBe(false);

  await commands.listFetchRelease();
  // updateComplete waits for the queued file to be listed.
  await el.updateComplete;
  expect(el.files.map((f) => f.path)).toEqual(['picked-early.bin']);
  expect(rows(el)).toHaveLength(1);
  expect(added).toEqual(['picked-early.bin']);

  await expect.poll(() => statusOfRow(el, 'picked-early.bin'), { timeout: 30_000 }).toBe('succeeded');
  const [key] = el.value;
  expect(await digest(await readBack(key!, token))).toBe(await digest(picked));
  expect(el.checkValidity()).toBe(true);
  expect(new FormData(form).getAll('files')).toEqual([key]);
  form.remove();
});
