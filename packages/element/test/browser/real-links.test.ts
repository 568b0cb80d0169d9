// Issue 20 in the element, in real Chromium against the real backend: honest states
// (pausing, offline, reconnecting), retry after cancel, stopping everything on sign-out with
// no open multipart upload left, the unload guard only while work runs, the uploads a reload
// left behind (Continue from a kept file or folder handle with no chooser, a wrong file refused,
// Discard), and "Clear finished".
import { FileHandleStore, fingerprintOf } from '@s3up/core';
import { throttleUplink as throttle } from '@s3up/testkit/chromium-network';
import type {} from '@s3up/testkit/wire-meter-commands';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { commands } from 'vitest/browser';
import { pickerTypes } from '../../src/file-handles.js';
import type { S3Upload } from '../../src/index.js';
import { $, digest, drop, file, mount, readBack, rowOf, screenshot, statusOfRow } from './fixture.js';

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
      .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
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
    await expect
      .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
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
    await expect
      .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
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
    await expect
      .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
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

describe('long lists', () => {
  it('150 rows: refused files come first and in view, and the summary names them and leads back to them', async () => {
    const { el } = await mount({ multiple: true, auto: 'false', 'max-file-size': '1 KB' });
    const name = (i: number) => `f${String(i).padStart(3, '0')}.bin`;
    const tooLarge = new Set([140, 149]);
    el.addFiles(
      Array.from({ length: 150 }, (_, i) => file(name(i), tooLarge.has(i) ? 5000 : 100, undefined, i + 1)),
    );
    await expect.poll(() => el.shadowRoot!.querySelectorAll('[part~="item"]').length).toBe(150);
    const shown = [...el.shadowRoot!.querySelectorAll('[part~="item"] [part="name"]')].map(
      (n) => n.textContent,
    );
    expect(shown.slice(0, 4)).toEqual([name(140), name(149), name(0), name(1)]);
    expect(shown.at(-1)).toBe(name(148));
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    expect(scroller.scrollHeight).toBeGreaterThan(scroller.clientHeight);
    const inView = (row: HTMLElement) => {
      const box = scroller.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    };
    expect(inView(rowOf(el, name(140)))).toBe(true);
    expect(inView(rowOf(el, name(149)))).toBe(true);
    const problems = $(el, '[part~="summary-problems"]');
    expect(problems.textContent?.trim()).toBe('Not added: 2');
    await screenshot(el, 'long-list');
    // Scrolled away to the end, the summary's button brings the refused rows back into view.
    scroller.scrollTop = scroller.scrollHeight;
    await expect.poll(() => inView(rowOf(el, name(140)))).toBe(false);
    problems.click();
    await expect.poll(() => inView(rowOf(el, name(140)))).toBe(true);
    expect(el.shadowRoot!.activeElement?.closest<HTMLElement>('[data-id]')).toBe(rowOf(el, name(140)));
  });
});

describe('uploads a reload left behind', () => {
  /** Uploads part of `data` as `user`, then drops the element as a reload would (no cancel). */
  async function interrupt(data: File): Promise<{ user: string; token: string }> {
    const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(8 * MiB);
    el.addFiles([data]);
    await expect
      .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(6 * MiB);
    await (await el.whenUploaderReady()).destroy({ keepResumable: true });
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

  /** A file in the origin-private file system: the same FileSystemFileHandle a picker or a drop gives. */
  async function handleWith(
    content: File,
    folder?: FileSystemDirectoryHandle,
  ): Promise<{ handle: FileSystemFileHandle; data: File }> {
    const dir = folder ?? (await navigator.storage.getDirectory());
    const handle = await dir.getFileHandle(`handle-${crypto.randomUUID().slice(0, 8)}.bin`, { create: true });
    const writable = await handle.createWritable();
    await writable.write(content);
    await writable.close();
    return { handle, data: await handle.getFile() };
  }

  /** Continues the only interrupted upload and waits until it is stored; whether a file chooser opened. */
  async function continueIt(el: S3Upload, name: string): Promise<boolean> {
    let chooser = false;
    el.shadowRoot!.querySelector('input.continue-input')?.addEventListener('click', () => {
      chooser = true;
    });
    $(el, '[part~="interrupted-item"] [part~="continue-button"]').click();
    await expect.poll(() => statusOfRow(el, name), { timeout: 30_000 }).toBe('succeeded');
    return chooser;
  }

  /**
   * Stands in for the browser's file dialog, which script cannot drive: `showOpenFilePicker`
   * answers with `handles` as a user's choice would, and counts the times it was opened.
   */
  function pickerAnswering(handles: FileSystemFileHandle[]): { opened: number; restore(): void } {
    const own = Object.getOwnPropertyDescriptor(window, 'showOpenFilePicker');
    const picker = {
      opened: 0,
      restore: () => {
        if (own) Object.defineProperty(window, 'showOpenFilePicker', own);
        else delete (window as { showOpenFilePicker?: unknown }).showOpenFilePicker;
      },
    };
    Object.defineProperty(window, 'showOpenFilePicker', {
      configurable: true,
      writable: true,
      value: async () => {
        picker.opened += 1;
        return handles;
      },
    });
    return picker;
  }

  it("Chromium's showOpenFilePicker takes the filter made from accept, and refuses one it would not", async () => {
    // Without a click the picker refuses to open after checking its options (a TypeError
    // for a filter it refuses): the filter the element builds passes that check.
    const open = (types: unknown) =>
      (window as unknown as { showOpenFilePicker(o: object): Promise<unknown> })
        .showOpenFilePicker({ types, id: 's3up' })
        .catch((error: Error) => error.name);
    // (Which refusal follows the check depends on the page's state: not the TypeError.)
    const good = await open(pickerTypes('image/*,.pdf,video/mp4,.tar.gz'));
    expect(typeof good === 'string' && good !== 'TypeError', String(good)).toBe(true);
    expect(await open([{ accept: { 'application/octet-stream': ['.a b'] } }])).toBe('TypeError');
  });

  it('a file picked with showOpenFilePicker keeps its handle by itself: after a reload Continue needs no chooser, and the handle goes once stored', async () => {
    const { handle, data } = await handleWith(file('content', 12 * MiB));
    const picker = pickerAnswering([handle]);
    try {
      const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
      await throttle(8 * MiB);
      $(el, '[part="browse-button"]').click();
      await expect
        .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(6 * MiB);
      expect(picker.opened).toBe(1);
      const handles = new FileHandleStore();
      expect(await handles.get(fingerprintOf(data))).toBeDefined();
      await (await el.whenUploaderReady()).destroy({ keepResumable: true });
      el.remove();
      await throttle(null);

      const after = await again(user, token);
      expect(await continueIt(after, data.name)).toBe(false);
      expect(picker.opened).toBe(1);
      expect((await after.whenUploaderReady()).tasks[0]?.resumed).toBe(true);
      expect(await digest(await readBack(after.value[0]!, token))).toBe(await digest(data));
      // Stored: nothing left to continue, so the handle is not kept any longer.
      await expect.poll(() => handles.get(fingerprintOf(data))).toBeUndefined();
      await handles.close();
    } finally {
      picker.restore();
      await (await navigator.storage.getDirectory()).removeEntry(handle.name);
    }
  });

  it('a folder dropped as a handle keeps the folder and the path: after a reload Continue needs no chooser', async () => {
    const root = await navigator.storage.getDirectory();
    const album = await root.getDirectoryHandle(`album-${crypto.randomUUID().slice(0, 8)}`, { create: true });
    const { handle, data } = await handleWith(file('in a folder', 12 * MiB), album);
    try {
      const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB', multiple: true });
      await throttle(8 * MiB);
      // Chromium gives a drop both views of an item: the entry (walked for the files) and,
      // kept by the element, the folder's FileSystemDirectoryHandle. Script cannot put a
      // folder into a DataTransfer, so the entries are built to the API; the handle is real.
      const entry = {
        isFile: true,
        isDirectory: false,
        name: data.name,
        fullPath: `/${album.name}/${data.name}`,
        file: (ok: (f: File) => void) => ok(data),
      };
      const folder = {
        isFile: false,
        isDirectory: true,
        name: album.name,
        fullPath: `/${album.name}`,
        createReader: () => {
          let done = false;
          return {
            readEntries: (ok: (e: object[]) => void) => {
              ok(done ? [] : [entry]);
              done = true;
            },
          };
        },
      };
      drop(el, new DataTransfer(), [
        {
          kind: 'file',
          getAsFile: () => null,
          webkitGetAsEntry: () => folder,
          getAsFileSystemHandle: () => Promise.resolve(album),
        },
      ]);
      const path = `${album.name}/${data.name}`;
      await expect
        .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(6 * MiB);
      const handles = new FileHandleStore();
      const kept = await handles.get(fingerprintOf(data));
      expect(kept && 'directory' in kept ? kept.path : kept).toEqual([data.name]);
      await handles.close();
      await (await el.whenUploaderReady()).destroy({ keepResumable: true });
      el.remove();
      await throttle(null);

      const after = await again(user, token);
      expect(await continueIt(after, path)).toBe(false);
      expect((await after.whenUploaderReady()).tasks[0]?.resumed).toBe(true);
      expect(after.value[0]).toMatch(new RegExp(`/${album.name}/${data.name}$`));
      expect(await digest(await readBack(after.value[0]!, token))).toBe(await digest(data));
    } finally {
      await root.removeEntry(album.name, { recursive: true });
    }
    void handle;
  });

  it('a folder chosen with the browse button keeps the folder handle and the paths: after a reload Continue needs no chooser', async () => {
    const root = await navigator.storage.getDirectory();
    const album = await root.getDirectoryHandle(`trip-${crypto.randomUUID().slice(0, 8)}`, { create: true });
    const day = await album.getDirectoryHandle('day-1', { create: true });
    const { data: big } = await handleWith(file('the long one', 12 * MiB), day);
    const { data: small } = await handleWith(file('a note', 1000), album);
    // Stands in for the folder dialog: showDirectoryPicker answers with the real handle.
    const own = Object.getOwnPropertyDescriptor(window, 'showDirectoryPicker');
    let opened = 0;
    Object.defineProperty(window, 'showDirectoryPicker', {
      configurable: true,
      writable: true,
      value: async () => {
        opened += 1;
        return album;
      },
    });
    try {
      const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB', directory: true });
      await throttle(8 * MiB);
      $(el, '[part="browse-button"]').click();
      const bigPath = `${album.name}/day-1/${big.name}`;
      await expect
        .poll(() => el.uploader?.tasks.find((t) => t.size === big.size)?.bytesUploaded ?? 0, {
          timeout: 20_000,
        })
        .toBeGreaterThan(6 * MiB);
      expect(opened).toBe(1);
      // The folder's files went through the picker (not the <input webkitdirectory>), each
      // with its path, and the big one keeps the folder handle and its path inside it.
      expect(el.files.map((f) => f.path).sort()).toEqual([`${album.name}/${small.name}`, bigPath].sort());
      const handles = new FileHandleStore();
      const kept = await handles.get(fingerprintOf(big));
      expect(kept && 'directory' in kept ? [kept.directory.name, ...kept.path] : kept).toEqual([
        album.name,
        'day-1',
        big.name,
      ]);
      await handles.close();
      await (await el.whenUploaderReady()).destroy({ keepResumable: true });
      el.remove();
      await throttle(null);

      const after = await again(user, token);
      expect(await continueIt(after, bigPath)).toBe(false);
      expect(opened).toBe(1);
      expect((await after.whenUploaderReady()).tasks[0]?.resumed).toBe(true);
      expect(after.value[0]).toMatch(new RegExp(`/${album.name}/day-1/${big.name}$`));
      expect(await digest(await readBack(after.value[0]!, token))).toBe(await digest(big));
    } finally {
      if (own) Object.defineProperty(window, 'showDirectoryPicker', own);
      else delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
      await root.removeEntry(album.name, { recursive: true });
    }
  });

  it('a kept file edited since its upload began is not continued: the row says so and nothing is sent', async () => {
    const { handle, data } = await handleWith(file('before', 12 * MiB));
    const picker = pickerAnswering([handle]);
    try {
      const { el, user, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
      await throttle(8 * MiB);
      $(el, '[part="browse-button"]').click();
      await expect
        .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(6 * MiB);
      await (await el.whenUploaderReady()).destroy({ keepResumable: true });
      el.remove();
      await throttle(null);
      // The user edits the file meanwhile: other bytes, another size and date.
      const writable = await handle.createWritable();
      await writable.write(file('after', 11 * MiB));
      await writable.close();

      const after = await again(user, token);
      $(after, '[part~="interrupted-item"] [part~="continue-button"]').click();
      await expect
        .poll(
          () => after.shadowRoot!.querySelector('[part~="interrupted-item"] [part~="reason"]')?.textContent,
        )
        .toContain(`“${data.name}” has changed since this upload began`);
      expect((await after.whenUploaderReady()).tasks).toHaveLength(0);
      expect(picker.opened).toBe(1);
    } finally {
      picker.restore();
      await (await navigator.storage.getDirectory()).removeEntry(handle.name);
    }
  });

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
    expect((await el.whenUploaderReady()).tasks[0]?.resumed).toBe(true);
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(data));
    await root.removeEntry(handle.name);
  });

  it('without the File System Access API Continue asks for the file and refuses another one; Discard aborts the upload', async () => {
    // Firefox and Safari have no showOpenFilePicker: the element's <input type=file> asks.
    const picker = pickerAnswering([]);
    Object.defineProperty(window, 'showOpenFilePicker', { configurable: true, value: undefined });
    onTestFinished(() => picker.restore());
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
    expect((await el.whenUploaderReady()).tasks).toHaveLength(0);
    expect(await commands.wireMeterOpenUploads(`users/${user}/`)).toHaveLength(1);
    item.querySelector<HTMLButtonElement>('[part~="discard-button"]')!.click();
    await expect
      .poll(() => el.shadowRoot!.querySelectorAll('[part~="interrupted-item"]').length, { timeout: 20_000 })
      .toBe(0);
    expect(await commands.wireMeterOpenUploads(`users/${user}/`)).toEqual([]);
    await commands.wireMeterStop();
  });
});
