// Issue 20 in the element, in real Chromium against the real backend: honest states
// (pausing, offline, reconnecting), retry after cancel, stopping everything on sign-out with
// no open multipart upload left, the unload guard only while work runs, the uploads a reload
// left behind (Continue from a kept file handle with no chooser, a wrong file refused,
// Discard), and "Clear finished".
import { FileHandleStore, fingerprintOf } from '@s3up/core';
import { throttleUplink as throttle } from '@s3up/testkit/chromium-network';
import type {} from '@s3up/testkit/wire-meter-commands';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type { S3Upload } from '../../src/index.js';
import { $, digest, file, mount, readBack, rowOf, screenshot, statusOfRow } from './fixture.js';

const MiB = 1024 * 1024;

afterEach(async () => {
  await throttle(null);
  document.body.replaceChildren();
});

function statusText(el: S3Upload, name: string): string {
  return rowOf(el, name).querySelector('[part~="status"]')?.textContent?.trim() ?? '';
}

function unloadPrevented(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('honest states', () => {
  it('says "Pausing…" while a pause lets a nearly finished part complete, then "Paused"', async () => {
    const { el } = await mount({ concurrency: '2', 'part-size': '5 MiB' });
    await throttle(2 * MiB);
    el.addFiles([file('pausing.bin', 15 * MiB)]);
    await expect
      .poll(() => el.uploader.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(4 * MiB);
    const texts = new Set<string>();
    const observer = new MutationObserver(() => texts.add(statusText(el, 'pausing.bin')));
    observer.observe(el.shadowRoot!, { subtree: true, characterData: true, childList: true });
    rowOf(el, 'pausing.bin').querySelector<HTMLButtonElement>('[part~="pause-button"]')!.click();
    await expect.poll(() => statusOfRow(el, 'pausing.bin'), { timeout: 20_000 }).toBe('paused');
    observer.disconnect();
    expect(texts).toContain('Pausing…');
    expect(statusText(el, 'pausing.bin')).toBe('Paused');
  });

  it('says "Offline — will continue when back" (not "Paused") when the browser goes offline, and continues', async () => {
    const { el, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(4 * MiB);
    const data = file('offline.bin', 10 * MiB);
    el.addFiles([data]);
    await expect.poll(() => el.uploader.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    window.dispatchEvent(new Event('offline'));
    await expect
      .poll(() => statusText(el, 'offline.bin'), { timeout: 10_000 })
      .toBe('Offline — will continue when back');
    await screenshot(el, 'offline');
    window.dispatchEvent(new Event('online'));
    await throttle(null);
    await expect.poll(() => statusOfRow(el, 'offline.bin'), { timeout: 30_000 }).toBe('succeeded');
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(data));
  });

  it('Retry on a cancelled file uploads it', async () => {
    const { el, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(4 * MiB);
    const data = file('again.bin', 8 * MiB);
    el.addFiles([data]);
    await expect.poll(() => el.uploader.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    rowOf(el, 'again.bin').querySelector<HTMLButtonElement>('[part~="cancel-button"]')!.click();
    await expect.poll(() => statusOfRow(el, 'again.bin'), { timeout: 20_000 }).toBe('cancelled');
    await throttle(null);
    rowOf(el, 'again.bin').querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await expect.poll(() => statusOfRow(el, 'again.bin'), { timeout: 30_000 }).toBe('succeeded');
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(data));
  });
});

describe('not losing uploads silently', () => {
  it('guards unload only while work runs; cancelAll() leaves no open multipart upload and sends nothing after', async () => {
    const { el, user } = await mount({ concurrency: '2', 'part-size': '5 MiB' });
    await commands.wireMeterStart();
    expect(unloadPrevented()).toBe(false);
    await throttle(2 * MiB);
    el.addFiles([file('signout.bin', 20 * MiB)]);
    await expect.poll(() => el.uploader.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(unloadPrevented, { timeout: 5_000 }).toBe(true);
    await expect
      .poll(() => commands.wireMeterOpenUploads(`users/${user}/`), { timeout: 10_000 })
      .toHaveLength(1);
    await el.cancelAll();
    await expect.poll(() => statusOfRow(el, 'signout.bin')).toBe('cancelled');
    expect(await commands.wireMeterOpenUploads(`users/${user}/`)).toEqual([]);
    const requests = performance.getEntriesByType('resource').length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(performance.getEntriesByType('resource').length).toBe(requests);
    await expect.poll(unloadPrevented, { timeout: 5_000 }).toBe(false);
    await commands.wireMeterStop();
  });

  it('"Clear finished" takes stored and cancelled rows off the list and keeps the stored keys in the value', async () => {
    const { el } = await mount({ multiple: true, concurrency: '2' });
    el.addFiles([file('a.txt', 10), file('b.txt', 20)]);
    await expect.poll(() => el.value.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => el.shadowRoot!.querySelector('[part~="clear-button"]')).toBeTruthy();
    $(el, '[part~="clear-button"]').click();
    await expect.poll(() => el.shadowRoot!.querySelectorAll('[part~="item"]').length).toBe(0);
    expect(el.value).toHaveLength(2);
  });
});

describe('uploads a reload left behind', () => {
  /** Uploads part of `data` as `user`, then drops the element as a reload would (no cancel). */
  async function interrupt(data: File): Promise<{ user: string; token: string }> {
    const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(8 * MiB);
    el.addFiles([data]);
    await expect
      .poll(() => el.uploader.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(6 * MiB);
    await el.uploader.destroy({ keepResumable: true });
    el.remove();
    await throttle(null);
    return { user, token };
  }

  /** A new element of the same user, as after the reload. */
  async function again(user: string, token: string): Promise<S3Upload> {
    const el = document.createElement('s3-upload');
    el.setAttribute('endpoint', (await mount()).el.getAttribute('endpoint')!);
    document.body.replaceChildren();
    el.credentialsRequest = (init) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
    });
    void user;
    document.body.append(el);
    await expect
      .poll(() => el.shadowRoot?.querySelectorAll('[part~="interrupted-item"]').length, { timeout: 20_000 })
      .toBe(1);
    return el;
  }

  it('lists it (name, stored, age); Continue with a kept file handle resumes with no file chooser', async () => {
    // A file as the File System Access API gives it: an origin-private file here, the same
    // kind of FileSystemFileHandle a picker or a drop gives, and one IndexedDB can keep.
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(`handle-${crypto.randomUUID().slice(0, 8)}.bin`, {
      create: true,
    });
    const writable = await handle.createWritable();
    await writable.write(file('content', 12 * MiB));
    await writable.close();
    const data = await handle.getFile();
    const { user, token } = await interrupt(data);
    await new FileHandleStore().set(fingerprintOf(data), handle);
    const el = await again(user, token);
    const item = el.shadowRoot!.querySelector<HTMLElement>('[part~="interrupted-item"]')!;
    expect(item.textContent).toContain(data.name);
    expect(item.textContent).toMatch(/\d MB of [\d.]+ MB stored · /);
    await screenshot(el, 'interrupted');
    let chooser = false;
    el.shadowRoot!.querySelector('input.continue-input')?.addEventListener('click', () => {
      chooser = true;
    });
    item.querySelector<HTMLButtonElement>('[part~="continue-button"]')!.click();
    await expect.poll(() => statusOfRow(el, data.name), { timeout: 30_000 }).toBe('succeeded');
    expect(chooser).toBe(false);
    expect(el.uploader.tasks[0]?.resumed).toBe(true);
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(data));
    await root.removeEntry(handle.name);
  });

  it('without a handle Continue asks for the file and refuses another one; Discard aborts the upload', async () => {
    const data = file('pick.bin', 12 * MiB);
    const { user, token } = await interrupt(data);
    await commands.wireMeterStart();
    const el = await again(user, token);
    const item = el.shadowRoot!.querySelector<HTMLElement>('[part~="interrupted-item"]')!;
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input.continue-input')!;
    const asked = new Promise<void>((resolve) =>
      input.addEventListener('click', () => resolve(), { once: true }),
    );
    item.querySelector<HTMLButtonElement>('[part~="continue-button"]')!.click();
    await asked;
    const wrong = new DataTransfer();
    wrong.items.add(file('other.bin', 3 * MiB));
    input.files = wrong.files;
    input.dispatchEvent(new Event('change'));
    await expect
      .poll(
        () => el.shadowRoot!.querySelector('[part~="interrupted-item"] [part~="reason"]')?.textContent ?? '',
      )
      .toContain('“other.bin” is not “pick.bin”');
    expect(el.uploader.tasks).toHaveLength(0);
    expect(await commands.wireMeterOpenUploads(`users/${user}/`)).toHaveLength(1);
    item.querySelector<HTMLButtonElement>('[part~="discard-button"]')!.click();
    await expect
      .poll(() => el.shadowRoot!.querySelectorAll('[part~="interrupted-item"]').length, { timeout: 20_000 })
      .toBe(0);
    expect(await commands.wireMeterOpenUploads(`users/${user}/`)).toEqual([]);
    await commands.wireMeterStop();
  });
});
