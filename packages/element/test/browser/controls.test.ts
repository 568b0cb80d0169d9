import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  $,
  audit,
  digest,
  file,
  mount,
  readBack,
  rowOf,
  screenshot,
  statusOfRow,
  tokenServer,
} from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

const MiB = 1024 * 1024;

function button(row: HTMLElement, kind: string): HTMLButtonElement {
  const found = row.querySelector<HTMLButtonElement>(`[part~="${kind}-button"]`);
  if (!found) throw new Error(`no ${kind} button in ${row.dataset.status} row`);
  return found;
}

/** Whether an object exists, asked through a presigned GET (404 when it does not). */
async function objectStatus(key: string, token: string): Promise<number> {
  const relative = key.slice(key.indexOf('/', 'users/'.length) + 1);
  const response = await fetch(`${tokenServer.url}/presign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'GET', key: relative, expiresIn: 60 }),
  });
  const { url } = (await response.json()) as { url: string };
  return (await fetch(url)).status;
}

describe('per-file controls against the real backend', () => {
  it('pause stops sending, resume finishes the same multipart upload, bytes intact', async () => {
    const { el, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    const big = file('long.bin', 12 * MiB + 7);
    let paused = false;
    el.addEventListener('s3-upload-progress', (e) => {
      // Pause from the first progress on, the way a user clicks mid-upload.
      if (!paused && e.detail.task.bytesUploaded > 0) {
        paused = true;
        button(rowOf(el, 'long.bin'), 'pause').click();
      }
    });
    el.addFiles([big]);
    await expect.poll(() => statusOfRow(el, 'long.bin'), { timeout: 20_000 }).toBe('paused');
    expect(el.matches(':state(paused)')).toBe(true);
    const task = (await el.whenUploaderReady()).tasks[0]!;
    const held = task.bytesUploaded;
    expect(held).toBeLessThan(big.size);
    await new Promise((r) => setTimeout(r, 500));
    expect(task.bytesUploaded).toBe(held);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'paused');

    button(rowOf(el, 'long.bin'), 'resume').click();
    await expect.poll(() => statusOfRow(el, 'long.bin'), { timeout: 30_000 }).toBe('succeeded');
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(big));
  });

  it('cancel aborts: the row says cancelled and no object is stored', async () => {
    const { el, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    const cancelled: string[] = [];
    el.addEventListener('s3-upload-cancelled', (e) => cancelled.push(e.detail.task.name));
    let clicked = false;
    el.addEventListener('s3-upload-progress', (e) => {
      if (!clicked && e.detail.task.bytesUploaded > 0) {
        clicked = true;
        button(rowOf(el, 'gone.bin'), 'cancel').click();
      }
    });
    el.addFiles([file('gone.bin', 16 * MiB)]);
    // The event comes once the multipart upload is aborted on the server.
    await expect.poll(() => cancelled, { timeout: 20_000 }).toEqual(['gone.bin']);
    expect(statusOfRow(el, 'gone.bin')).toBe('cancelled');
    const key = (await el.whenUploaderReady()).tasks[0]!.key!;
    expect(await objectStatus(key, token)).toBe(404);
    expect(el.value).toEqual([]);
  });

  it('a refused credentials request fails the file with a reason; retry then stores it', async () => {
    const { el, token } = await mount();
    const failures: string[] = [];
    el.addEventListener('s3-upload-failed', (e) => failures.push(e.detail.error.code));
    const good = el.credentialsRequest!;
    // The real token server answers 401 to a bad token: the engine reports `credentials`.
    el.credentialsRequest = (init) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: 'Bearer not-a-jwt' },
    });
    const f = file('retry.bin', 5000);
    el.addFiles([f]);
    await expect.poll(() => statusOfRow(el, 'retry.bin'), { timeout: 20_000 }).toBe('failed');
    expect(failures).toEqual(['credentials']);
    expect((await el.whenUploaderReady()).tasks[0]!.error?.status).toBe(401);
    expect(rowOf(el, 'retry.bin').querySelector('[part="reason"]')!.textContent).toBe(
      'Not allowed to upload: sign in again.',
    );
    expect(el.matches(':state(error)')).toBe(true);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'error');

    el.credentialsRequest = good;
    await userEvent.click(button(rowOf(el, 'retry.bin'), 'retry'));
    await expect.poll(() => statusOfRow(el, 'retry.bin'), { timeout: 20_000 }).toBe('succeeded');
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(f));
  });

  it('is operable with the keyboard alone: browse, pause, resume and remove keep focus in place', async () => {
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.append(before);
    const { el } = await mount({ auto: 'false', multiple: true });
    // Credentials that never come: started uploads stay in flight while keys are pressed.
    el.credentialsRequest = () => new Promise<RequestInit>(() => {});
    el.addFiles([file('one.bin', 1000), file('two.bin', 1000)]);
    await expect.poll(() => statusOfRow(el, 'two.bin')).toBe('queued');
    before.focus();
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;

    await userEvent.keyboard('{Tab}');
    expect(focused()).toBe($(el, '[part="browse-button"]'));
    expect(getComputedStyle(focused()!).outlineStyle).toBe('solid');
    await userEvent.keyboard('{Tab}');
    expect(focused()?.textContent?.trim()).toBe('Upload');
    await userEvent.keyboard('{Tab}');
    expect(focused()?.getAttribute('aria-label')).toBe('Pause one.bin');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => statusOfRow(el, 'one.bin')).toBe('paused');
    // Same button, now "Resume": focus did not fall to <body>.
    expect(focused()?.getAttribute('aria-label')).toBe('Resume one.bin');
    await userEvent.keyboard('{Tab}');
    expect(focused()?.getAttribute('aria-label')).toBe('Cancel one.bin');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => statusOfRow(el, 'one.bin')).toBe('cancelled');
    // Cancel became Remove in place.
    expect(focused()?.getAttribute('aria-label')).toBe('Remove one.bin from the list');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => el.files.length).toBe(1);
    // The removed row's focus moved to the next row.
    expect(focused()?.getAttribute('aria-label')).toBe('Pause two.bin');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => statusOfRow(el, 'two.bin')).toBe('paused');
    expect(focused()?.getAttribute('aria-label')).toBe('Resume two.bin');
    await userEvent.keyboard(' ');
    await expect.poll(() => statusOfRow(el, 'two.bin')).toBe('uploading');
    expect(focused()?.getAttribute('aria-label')).toBe('Pause two.bin');
  });
});
