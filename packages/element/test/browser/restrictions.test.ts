import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { $, $$, audit, file, mount, rowOf, rows, screenshot } from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

describe('restrictions refuse files with a visible reason and never upload them', () => {
  it('refuses by type, size and count, lists the reason, and fires s3-files-rejected', async () => {
    const { el } = await mount({
      accept: 'image/*,.pdf',
      'max-file-size': '1 kB',
      'max-files': '2',
      multiple: true,
      auto: 'false',
    });
    const rejected: string[] = [];
    el.addEventListener('s3-files-rejected', (e) =>
      rejected.push(...e.detail.rejected.map((r) => `${r.file.name}:${r.code}`)),
    );
    const input = el.shadowRoot!.querySelector('input')!;
    await userEvent.upload(input, [
      file('notes.txt', 10, 'text/plain'),
      file('big.pdf', 5000, 'application/pdf'),
      file('a.pdf', 100, 'application/pdf'),
      file('b.PNG', 100, 'image/png'),
      file('c.pdf', 100, 'application/pdf'),
    ]);
    await expect.poll(() => rows(el).length).toBe(5);
    expect(rejected).toEqual(['notes.txt:type', 'big.pdf:too-large', 'c.pdf:too-many']);
    expect(rowOf(el, 'notes.txt').dataset.status).toBe('refused');
    expect(rowOf(el, 'notes.txt').querySelector('[part="reason"]')?.textContent).toContain('image/*,.pdf');
    expect(rowOf(el, 'big.pdf').querySelector('[part="reason"]')?.textContent).toBe(
      'Larger than the 1 kB limit.',
    );
    expect(rowOf(el, 'c.pdf').querySelector('[part="reason"]')?.textContent).toBe('No more than 2 files.');
    expect(rowOf(el, 'a.pdf').dataset.status).toBe('queued');
    expect(rowOf(el, 'b.PNG').dataset.status).toBe('queued');
    // Refused files never reach the engine.
    expect((await el.whenUploaderReady()).tasks.map((t) => t.name)).toEqual(['a.pdf', 'b.PNG']);
    expect($(el, '[part="hint"]').textContent).toBe(
      'Accepted: image/*,.pdf · Up to 1 kB each · At most 2 files',
    );
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'refused');
  });

  it('refuses the same file twice and lets a refused row be removed', async () => {
    const { el } = await mount({ multiple: true, auto: 'false' });
    const same = file('same.bin', 10);
    el.addFiles([same]);
    el.addFiles([same]);
    await expect.poll(() => rows(el).length).toBe(2);
    const refused = rows(el).find((r) => r.dataset.status === 'refused')!;
    expect(refused.querySelector('[part="reason"]')?.textContent).toBe('Already in the list.');
    await userEvent.click(refused.querySelector<HTMLElement>('[part~="remove-button"]')!);
    await expect.poll(() => rows(el).length).toBe(1);
  });

  it('without multiple, a new file replaces the old one, like <input type=file>', async () => {
    const { el } = await mount({ auto: 'false' });
    el.addFiles([file('first.bin', 10)]);
    el.addFiles([file('second.bin', 10), file('third.bin', 10)]);
    await expect
      .poll(() => rows(el).map((r) => `${r.querySelector('[part="name"]')?.textContent}:${r.dataset.status}`))
      // The refused row first: rows that need the user lead the list.
      .toEqual(['third.bin:refused', 'second.bin:queued']);
    expect((await el.whenUploaderReady()).tasks.map((t) => t.name)).toEqual(['second.bin']);
    expect($$(el, 'input')[0]!.hasAttribute('multiple')).toBe(false);
  });

  it('without an endpoint, files are listed as not configured and nothing is sent', async () => {
    const { el } = await mount({ auto: 'false' });
    el.removeAttribute('endpoint');
    await el.updateComplete;
    el.addFiles([file('orphan.bin', 10)]);
    await expect.poll(() => rows(el).length).toBe(1);
    expect(rowOf(el, 'orphan.bin').querySelector('[part="reason"]')?.textContent).toBe(
      'Uploads are not configured on this page.',
    );
    expect(() => el.uploader).toThrow(/endpoint attribute/);
    await expect(el.whenUploaderReady()).rejects.toThrow(/endpoint attribute/);
  });
});
