import { afterEach, describe, expect, it } from 'vitest';
import { cdp, userEvent } from 'vitest/browser';
import { $, audit, file, mount, rows, screenshot, statusOfRow } from './fixture.js';

/** Chromium's media emulation over CDP (the provider's typing of the session is opaque). */
function emulateMedia(features: { name: string; value: string }[]): Promise<unknown> {
  const session = cdp() as unknown as { send(method: string, params: object): Promise<unknown> };
  return session.send('Emulation.setEmulatedMedia', { features });
}

afterEach(async () => {
  document.body.replaceChildren();
  document.documentElement.style.colorScheme = '';
  await emulateMedia([]);
});

describe('accessibility', () => {
  it('the empty element passes axe and labels its only control', async () => {
    const { el } = await mount({ multiple: true, accept: 'image/*', 'max-file-size': '20 MB' });
    expect(await audit(el)).toEqual([]);
    const browse = $(el, '[part="browse-button"]');
    expect(browse.textContent?.trim()).toBe('Browse files');
    expect(browse.getAttribute('aria-describedby')).toBe('hint');
    await screenshot(el, 'empty');
  });

  it('uploading rows expose role=progressbar with values; the live region announces news, not percents', async () => {
    const { el } = await mount({ multiple: true });
    // Credentials that never come keep the rows in the uploading state for the audit.
    el.credentialsRequest = () => new Promise<RequestInit>(() => {});
    el.addFiles([file('a.bin', 5000), file('b.bin', 7000)]);
    await expect.poll(() => rows(el).map((r) => r.dataset.status)).toEqual(['uploading', 'uploading']);
    const bar = rows(el)[0]!.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
    expect(bar.getAttribute('aria-label')).toBe('Upload of a.bin');
    const live = $(el, '[role="status"]');
    expect(live.getAttribute('aria-live')).toBe('polite');
    await expect.poll(() => live.textContent).toBe('2 files added.');
    expect(el.matches(':state(uploading)')).toBe(true);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'uploading');
  });

  it('announces a finished file by name', async () => {
    const { el } = await mount();
    el.addFiles([file('report.pdf', 2000, 'application/pdf')]);
    await expect.poll(() => statusOfRow(el, 'report.pdf'), { timeout: 20_000 }).toBe('succeeded');
    await expect.poll(() => $(el, '[role="status"]').textContent).toContain('report.pdf uploaded.');
  });

  it('reduced motion turns transitions off', async () => {
    await emulateMedia([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    const { el } = await mount();
    expect(getComputedStyle($(el, '[part="dropzone"]')).transitionDuration).toBe('0s');
  });
});

describe('theming', () => {
  it('follows a dark color-scheme, and custom properties restyle it', async () => {
    document.documentElement.style.colorScheme = 'dark';
    const { el } = await mount({ multiple: true, auto: 'false' });
    el.addFiles([file('dark.bin', 1000)]);
    await expect.poll(() => rows(el).length).toBe(1);
    const zone = $(el, '[part="dropzone"]');
    expect(getComputedStyle(zone).backgroundColor).toBe('rgb(35, 38, 44)');
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'dark');
    el.style.setProperty('--s3-upload-dropzone-background', 'rgb(1, 2, 3)');
    // Polled: the drop zone's background transitions (150 ms) to the new colour.
    await expect.poll(() => getComputedStyle(zone).backgroundColor).toBe('rgb(1, 2, 3)');
  });

  it('theme="auto" follows the system when the page declares no color-scheme; light and dark force one', async () => {
    const darkZone = 'rgb(35, 38, 44)';
    const lightZone = 'rgb(245, 247, 250)';
    await emulateMedia([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const { el: auto } = await mount();
    expect(auto.theme).toBe('auto');
    await expect.poll(() => getComputedStyle($(auto, '[part="dropzone"]')).backgroundColor).toBe(darkZone);
    const { el: light } = await mount({ theme: 'light' });
    await expect.poll(() => getComputedStyle($(light, '[part="dropzone"]')).backgroundColor).toBe(lightZone);
    expect(await audit(light)).toEqual([]);
    await emulateMedia([{ name: 'prefers-color-scheme', value: 'light' }]);
    await expect.poll(() => getComputedStyle($(auto, '[part="dropzone"]')).backgroundColor).toBe(lightZone);
    const { el: dark } = await mount({ theme: 'dark' });
    await expect.poll(() => getComputedStyle($(dark, '[part="dropzone"]')).backgroundColor).toBe(darkZone);
    expect(await audit(dark)).toEqual([]);
  });

  it('exposes parts for styling from outside', async () => {
    const { el } = await mount({ auto: 'false' });
    const style = document.createElement('style');
    style.textContent = 's3-upload::part(browse-button) { background: rgb(200, 0, 0); }';
    document.head.append(style);
    expect(getComputedStyle($(el, '[part="browse-button"]')).backgroundColor).toBe('rgb(200, 0, 0)');
    style.remove();
  });

  it('slots replace the label and the empty state', async () => {
    const { el } = await mount();
    el.innerHTML = '<span slot="label">Add your photos</span><p slot="empty">No photos yet</p>';
    const label = $(el, 'slot[name="label"]') as HTMLSlotElement;
    expect(label.assignedElements()[0]?.textContent).toBe('Add your photos');
    const empty = $(el, 'slot[name="empty"]') as HTMLSlotElement;
    expect(empty.assignedElements()[0]?.textContent).toBe('No photos yet');
  });
});

describe('internationalization', () => {
  for (const [locale, browse, waiting, size] of [
    ['fr', 'Parcourir les fichiers', 'Prêt à téléverser', '1,5\u202fMo'],
    ['de', 'Dateien durchsuchen', 'Bereit zum Hochladen', '1,5 MB'],
    ['en', 'Browse files', 'Ready to upload', '1.5 MB'],
    ['es', 'Examinar archivos', 'Listo para subir', '1,5 MB'],
    ['it', 'Sfoglia i file', 'Pronto per il caricamento', '1,5 MB'],
    ['pt-BR', 'Procurar arquivos', 'Pronto para enviar', '1,5 MB'],
    ['nl', 'Bestanden kiezen', 'Klaar om te uploaden', '1,5 MB'],
    ['pl', 'Przeglądaj pliki', 'Gotowy do przesłania', '1,5 MB'],
    ['ja', 'ファイルを参照', 'アップロード待ち', '1.5 MB'],
    ['zh-CN', '浏览文件', '准备上传', '1.5 MB'],
  ] as const) {
    it(`renders in ${locale}, with sizes formatted by Intl`, async () => {
      const { el } = await mount({ locale, multiple: true, auto: 'false' });
      el.addFiles([file('photo.bin', 1_500_000)]);
      await expect.poll(() => $(el, '[part="browse-button"]').textContent?.trim()).toBe(browse);
      await expect.poll(() => rows(el)[0]?.querySelector('[part="status"]')?.textContent).toBe(waiting);
      expect(rows(el)[0]!.querySelector('[part="size"]')!.textContent).toContain(size);
      expect(await audit(el)).toEqual([]);
      await screenshot(el, `locale-${locale}`);
    });
  }

  it('two elements with different locales on one page each keep their own', async () => {
    const { el: french } = await mount({ locale: 'fr', multiple: true, auto: 'false', 'max-files': '1' });
    const { el: german } = await mount({ locale: 'de', multiple: true, auto: 'false' });
    const { el: plain } = await mount({ multiple: true, auto: 'false' });
    french.addFiles([file('a.bin', 1_500_000)]);
    german.addFiles([file('b.bin', 1_500_000)]);
    await expect
      .poll(() => $(french, '[part="browse-button"]').textContent?.trim())
      .toBe('Parcourir les fichiers');
    await expect
      .poll(() => $(german, '[part="browse-button"]').textContent?.trim())
      .toBe('Dateien durchsuchen');
    expect($(plain, '[part="browse-button"]').textContent?.trim()).toBe('Browse files');
    // Plural through Intl.PluralRules, units in the language's own form.
    expect($(french, '[part="hint"]').textContent).toBe('1 fichier au plus');
    await expect.poll(() => rows(french).length + rows(german).length).toBe(2);
    expect(rows(french)[0]!.querySelector('[part="size"]')!.textContent).toContain('1,5\u202fMo');
    expect(rows(german)[0]!.querySelector('[part="status"]')!.textContent).toBe('Bereit zum Hochladen');
    // Changing one element's locale leaves the others alone.
    french.locale = 'en';
    await expect.poll(() => $(french, '[part="browse-button"]').textContent?.trim()).toBe('Browse files');
    expect($(german, '[part="browse-button"]').textContent?.trim()).toBe('Dateien durchsuchen');
  });

  it('Arabic lays the element out right to left', async () => {
    const { el } = await mount({ locale: 'ar', multiple: true, auto: 'false', 'max-files': '3' });
    el.addFiles([file('تقرير.pdf', 2_500_000, 'application/pdf'), file('photo.bin', 1_500_000)]);
    await expect.poll(() => $(el, '[part="browse-button"]').textContent?.trim()).toBe('تصفّح الملفات');
    await expect.poll(() => rows(el).length).toBe(2);
    const base = $(el, '[part="base"]');
    expect(base.getAttribute('dir')).toBe('rtl');
    expect(getComputedStyle(base).direction).toBe('rtl');
    // The row's name starts at the right edge: its box sits right of the thumbnail.
    const row = rows(el)[0]!;
    const thumb = row.querySelector('[part="thumbnail"]')!.getBoundingClientRect();
    const name = row.querySelector('[part="name"]')!.getBoundingClientRect();
    expect(thumb.left).toBeGreaterThan(name.left);
    expect(await audit(el)).toEqual([]);
    await screenshot(el, 'locale-ar-rtl');
  });

  it('takes the language of the nearest lang attribute when locale is not set', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'fr-CA';
    document.body.append(wrapper);
    const { el } = await mount({}, wrapper);
    await expect.poll(() => $(el, '[part="browse-button"]').textContent?.trim()).toBe('Choisir un fichier');
  });
});

describe('long lists', () => {
  it('lists 3000 files in pages of 200 rows, the rest one keypress or scroll away', async () => {
    const { el } = await mount({ multiple: true, auto: 'false' });
    const files = Array.from({ length: 3000 }, (_, i) =>
      file(`f${i}.bin`, 10 + (i % 50), 'application/octet-stream', i + 1),
    );
    el.addFiles(files);
    await expect.poll(() => rows(el).length).toBe(200);
    expect($(el, '[part="summary-text"]').textContent).toContain('0 of 3,000 uploaded');
    expect(getComputedStyle(rows(el)[199]!).contentVisibility).toBe('auto');
    const more = $(el, '[part="more-button"]');
    expect(more.textContent?.trim()).toBe('Show 200 more of 2,800');
    more.focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => rows(el).length).toBeGreaterThanOrEqual(400);
    // Scrolling to the end shows more without a press.
    $(el, '[part="more-button"]').scrollIntoView();
    await expect.poll(() => rows(el).length).toBeGreaterThanOrEqual(600);
    // One batch, one announcement.
    await expect.poll(() => $(el, '[role="status"]').textContent).toBe('3,000 files added.');
  });
});
