// Per-file fields and pasted names in Chromium against the real token server and local S3:
// the row asks, the keyboard fills it in, the stored object carries x-amz-meta-* and
// Content-Disposition; a required field or metadata over S3's 2 KB stops Upload with the
// reason in the row and the focus on the field, and nothing is sent; a pasted image gets
// a unique dated name the user can change before upload.

import { readHeaders } from '@s3up/testkit/read-back';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { decodeMetadataValue } from '../../../core/src/index.js';
import { $, $$, audit, file, mount, png, rows, screenshot, tokenServer } from './fixture.js';

afterEach(() => {
  document.body.replaceChildren();
});

const headersOf = (key: string, token: string) => readHeaders(tokenServer.url, token, key);

function paste(el: HTMLElement, files: File[]) {
  const clip = new DataTransfer();
  for (const f of files) clip.items.add(f);
  $(el as never, '[part="browse-button"]').dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, composed: true, cancelable: true }),
  );
}

describe('fields in the row before upload', () => {
  it('title and description typed in the row are stored as x-amz-meta-*, with Content-Disposition, even with auto on', async () => {
    const { el, token } = await mount({ multiple: true, fields: 'title* description' });
    const requests: string[] = [];
    const seen = (entry: PerformanceEntry) => requests.push(entry.name);
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) seen(e);
    });
    observer.observe({ type: 'resource', buffered: false });
    el.addFiles([file('Été "2026"; plage.pdf', 3000, 'application/pdf')]);
    // The row once the engine has taken the file (its code loads after the first add).
    await expect.poll(() => rows(el)[0]?.dataset.id?.startsWith('waiting-')).toBe(false);

    // With fields, auto waits for the user: the row asks, Upload is there, nothing was sent.
    const [row] = rows(el);
    expect(row!.dataset.status).toBe('queued');
    expect(row!.querySelector('[part="status"]')!.textContent).toContain('Add details, then upload');
    const group = row!.querySelector('[part="fields"]')!;
    expect(group.getAttribute('role')).toBe('group');
    expect(group.getAttribute('aria-label')).toBe('Details for Été "2026"; plage.pdf');
    const title = row!.querySelector<HTMLInputElement>('input[name="title"]')!;
    const description = row!.querySelector<HTMLTextAreaElement>('textarea[name="description"]')!;
    // Each input has its visible label.
    expect(row!.querySelector(`label[for="${title.id}"]`)!.textContent).toContain('Title');
    expect(row!.querySelector(`label[for="${description.id}"]`)!.textContent).toContain('Description');

    // Upload with the required title empty: refused in the row, focus on the title, nothing sent.
    $(el, '[part="start-button"]').click();
    await expect.poll(() => title.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => el.shadowRoot!.activeElement).toBe(title);
    const error = row!.querySelector(`#${title.getAttribute('aria-describedby')}`)!;
    expect(error.textContent).toBe('Enter Title.');
    expect(requests.filter((r) => r.includes('/credentials'))).toEqual([]);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'fields-required');

    // The keyboard fills it in; the message goes as soon as the title is there.
    await userEvent.type(title, 'Sunset');
    await expect.poll(() => title.getAttribute('aria-invalid')).toBe('false');
    await userEvent.tab();
    expect(el.shadowRoot!.activeElement).toBe(description);
    // fill: the test keyboard types an emoji as two lone surrogates, which no user's keyboard does.
    await userEvent.fill(description, 'Coucher de soleil à Nice 🌅');
    $(el, '[part="start-button"]').click();
    await expect.poll(() => rows(el)[0]?.dataset.status, { timeout: 30_000 }).toBe('succeeded');
    observer.disconnect();

    const headers = await headersOf(el.value[0]!, token);
    expect(headers.get('x-amz-meta-title')).toBe('Sunset');
    expect(decodeMetadataValue(headers.get('x-amz-meta-description')!)).toBe('Coucher de soleil à Nice 🌅');
    expect(headers.get('content-disposition')).toBe(
      `inline; filename="Ete '2026'; plage.pdf"; filename*=UTF-8''%C3%89t%C3%A9%20%222026%22%3B%20plage.pdf`,
    );
  });

  it("metadata over S3's 2 KB is refused in the row with what to cut, and no request is sent; the app's own check too", async () => {
    const { el } = await mount({ fields: 'title description' });
    el.validateFields = (values) =>
      values.title === 'taken' ? { title: 'That title is taken.' } : undefined;
    const requests: string[] = [];
    // Requests started from here on: the previous test's element may still finish one it
    // started before (its entry reaches this observer when it ends), which is not this one's.
    const since = performance.now();
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.startTime >= since) requests.push(e.name);
    });
    observer.observe({ type: 'resource', buffered: false });
    el.addFiles([file('long.txt', 100, 'text/plain')]);
    await expect.poll(() => rows(el).length).toBe(1);
    const [row] = rows(el);
    const id = row!.dataset.id!;
    el.setFieldValues(id, { title: 'taken', description: 'é'.repeat(1100) });
    $(el, '[part="start-button"]').click();
    const description = row!.querySelector<HTMLTextAreaElement>('textarea[name="description"]')!;
    await expect.poll(() => description.getAttribute('aria-invalid')).toBe('true');
    const message = (name: string) =>
      row!.querySelector(`#${row!.querySelector(`[name="${name}"]`)!.getAttribute('aria-describedby')}`)!
        .textContent;
    expect(message('title')).toBe('That title is taken.');
    expect(message('description')).toMatch(/^Too long to store: shorten Description by \d+ characters\.$/);
    // Cutting exactly that many lets it through (the count is the real rule's).
    const cut = Number(/by (\d+)/.exec(message('description') ?? '')![1]);
    expect(cut).toBeGreaterThan(0);
    // Credentials come before any S3 request: none asked for means nothing was sent.
    expect(requests.filter((r) => r.includes('/credentials'))).toEqual([]);
    el.setFieldValues(id, { title: 'Fine', description: 'é'.repeat(1100 - cut) });
    $(el, '[part="start-button"]').click();
    await expect.poll(() => rows(el)[0]?.dataset.status, { timeout: 30_000 }).toBe('succeeded');
    observer.disconnect();
    await screenshot(el, 'fields-stored');
  });

  it('a pasted image gets a unique dated name, and can be renamed in the row before upload', async () => {
    const { el, token } = await mount({ multiple: true, auto: 'false' });
    paste(el, [png('image.png')]);
    await expect.poll(() => rows(el).length).toBe(1);
    paste(el, [png('image.png')]);
    await expect.poll(() => rows(el).length).toBe(2);
    await el.updateComplete;
    const names = $$(el, '[part="name"]').map((n) => n.textContent);
    expect(names[0]).toMatch(/^Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
    expect(new Set(names).size).toBe(2);
    const input = rows(el)[0]!.querySelector<HTMLInputElement>('input[name="name"]')!;
    expect(input.value).toBe(names[0]);
    await userEvent.clear(input);
    await userEvent.type(input, 'Whiteboard \u202egnp.exe');
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'pasted-rename');
    $(el, '[part="start-button"]').click();
    await expect
      .poll(() => rows(el).map((r) => r.dataset.status), { timeout: 30_000 })
      .toEqual(['succeeded', 'succeeded']);
    const stored = await headersOf(el.value[0]!, token);
    // The RTL override is gone from the name: what it shows is what it is.
    expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(stored.get('content-disposition')!)![1]!)).toBe(
      'Whiteboard gnp.exe',
    );
    expect(el.value[0]).toContain('Whiteboard');
    expect($$(el, '[part="name"]')[0]!.textContent).toBe('Whiteboard gnp.exe');
  });
});
