import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  $,
  audit,
  bytes,
  digest,
  drop,
  file,
  mount,
  png,
  readBack,
  rowOf,
  rows,
  screenshot,
} from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

const MiB = 1024 * 1024;

describe('uploads through the real token server into the local S3', () => {
  it('files chosen through the input land in the bucket byte for byte', async () => {
    const { el, user, token } = await mount({ multiple: true });
    const succeeded: string[] = [];
    el.addEventListener('s3-upload-succeeded', (e) => succeeded.push(e.detail.key));
    const small = file('notes.txt', 2000, 'text/plain');
    const medium = file('video.bin', 120_000);
    const picture = png('cat.png');
    // Playwright's setInputFiles: what a user's choice in the file dialog does to the input.
    await userEvent.upload(el.shadowRoot!.querySelector('input')!, [small, medium, picture]);

    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 30_000 })
      .toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(succeeded).toHaveLength(3);
    expect(el.value).toHaveLength(3);
    for (const key of el.value) expect(key.startsWith(`users/${user}/`)).toBe(true);
    const stored = await Promise.all(el.value.map(async (key) => digest(await readBack(key, token))));
    expect(stored).toEqual([await digest(small), await digest(medium), await digest(picture)]);

    // Done rows show 100 % through role=progressbar and the overall line adds up.
    const bar = rowOf(el, 'video.bin').querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
    expect($(el, '[part="summary-text"]').textContent).toContain('3 of 3 uploaded');
    expect(el.matches(':state(done)')).toBe(true);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'done');
  });

  it("forwards each stored file to the token server's receipts (POST /uploads): its answer is in the success event; with receipts off there is none (#15 item 4)", async () => {
    const { el, user } = await mount();
    const details: HTMLElementEventMap['s3-upload-succeeded']['detail'][] = [];
    el.addEventListener('s3-upload-succeeded', (e) => details.push(e.detail));
    const sent = file('receipt.txt', 3000, 'text/plain');
    el.addFiles([sent]);
    await expect.poll(() => details.length, { timeout: 30_000 }).toBe(1);
    // The server checked the object with its own keys (HeadObject) and answered what S3 holds.
    const [{ key, receipt }] = details as [(typeof details)[0]];
    expect(key.startsWith(`users/${user}/`)).toBe(true);
    expect(receipt).toMatchObject({ key, size: 3000, contentType: 'text/plain' });
    expect(receipt?.etag).toMatch(/^"?[0-9a-f]{32}"?$/);

    document.body.replaceChildren();
    const off = await mount({ receipts: 'false' });
    const plain: HTMLElementEventMap['s3-upload-succeeded']['detail'][] = [];
    off.el.addEventListener('s3-upload-succeeded', (e) => plain.push(e.detail));
    off.el.addFiles([file('no-receipt.txt', 3000, 'text/plain')]);
    await expect.poll(() => plain.length, { timeout: 30_000 }).toBe(1);
    expect(plain[0]?.receipt).toBeUndefined();
  });

  it('a thumbnail shows for images and its object URL is revoked once drawn', async () => {
    const { el } = await mount({ auto: 'false' });
    el.addFiles([png('tiny.png')]);
    await expect.poll(() => rows(el).length).toBe(1);
    const img = rowOf(el, 'tiny.png').querySelector('img')!;
    await expect.poll(() => img.complete && img.naturalWidth).toBe(4);
    // Revoked: the blob URL no longer resolves, but the image stays drawn.
    await expect
      .poll(() =>
        fetch(img.src).then(
          () => 'alive',
          () => 'revoked',
        ),
      )
      .toBe('revoked');
    expect(img.naturalWidth).toBe(4);
  });

  it('dropped files and a dropped folder upload, keeping the folder path in the key', async () => {
    const { el, token } = await mount({ multiple: true, 'part-size': '5 MiB' });
    // Above the engine's 8 MiB multipart threshold: three 5 MiB parts.
    const loose = file('loose.bin', 11 * MiB + 123);
    const inFolder = file('a.txt', 1500, 'text/plain');
    const deeper = file('b.txt', 2500, 'text/plain');
    // Script cannot put a folder into a DataTransfer, so the folder's entries are built
    // to the File and Directory Entries API that Chromium hands the element on a real drop.
    const fileEntry = (f: File, fullPath: string) => ({
      isFile: true,
      isDirectory: false,
      name: f.name,
      fullPath,
      file: (ok: (f: File) => void) => ok(f),
    });
    const dirEntry = (name: string, fullPath: string, children: object[]) => ({
      isFile: false,
      isDirectory: true,
      name,
      fullPath,
      createReader: () => {
        let done = false;
        return {
          readEntries: (ok: (e: object[]) => void) => {
            ok(done ? [] : children);
            done = true;
          },
        };
      },
    });
    const folder = dirEntry('album', '/album', [
      fileEntry(inFolder, '/album/a.txt'),
      dirEntry('day 2', '/album/day 2', [fileEntry(deeper, '/album/day 2/b.txt')]),
    ]);
    const real = new DataTransfer();
    real.items.add(loose);
    drop(el, real, [real.items[0]!, { kind: 'file', getAsFile: () => null, webkitGetAsEntry: () => folder }]);

    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 20_000 })
      .toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(rows(el).map((r) => r.querySelector('[part="name"]')!.textContent)).toEqual([
      'loose.bin',
      'album/a.txt',
      'album/day 2/b.txt',
    ]);
    const keys = el.value;
    expect(keys[1]).toMatch(/\/album\/a\.txt$/);
    expect(keys[2]).toMatch(/\/album\/day 2\/b\.txt$/);
    const stored = await Promise.all(keys.map(async (key) => digest(await readBack(key, token))));
    expect(stored).toEqual([await digest(loose), await digest(inFolder), await digest(deeper)]);
  });

  it('pasted files upload', async () => {
    const { el, token } = await mount({ multiple: true });
    const clip = new DataTransfer();
    clip.items.add(file('pasted.bin', 4321));
    $(el, '[part="browse-button"]').focus();
    $(el, '[part="browse-button"]').dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, composed: true, cancelable: true }),
    );
    await expect.poll(() => rows(el)[0]?.dataset.status, { timeout: 20_000 }).toBe('succeeded');
    expect(await digest(await readBack(el.value[0]!, token))).toBe(await digest(bytes(4321, 4321)));
  });
});
