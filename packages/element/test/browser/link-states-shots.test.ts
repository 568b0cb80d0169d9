// Issue 20 item 5 looked at as a user would: the element's link states (pausing, offline,
// reconnecting, the uploads a reload left behind, a long list with refused files) on a phone
// (390×844) and a laptop (1366×900), light and dark, in real Chromium against the real
// backend. Each state's text is asserted, nothing may be clipped or wider than the screen,
// and each screen is written to test-output/element/states/ (not committed) for a person.
import { throttleUplink as throttle } from '@s3up/testkit/chromium-network';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { cdp, page } from 'vitest/browser';
import type { S3Upload } from '../../src/index.js';
import { $, file, mount, rowOf, statusOfRow, tokenServer } from './fixture.js';

const MiB = 1024 * 1024;
const screens = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1366, height: 900 },
] as const;

/** Chromium over CDP (the provider's typing of the session is opaque). */
function send(method: string, params: object = {}): Promise<unknown> {
  const session = cdp() as unknown as { send(method: string, params: object): Promise<unknown> };
  return session.send(method, params);
}

/** A page around the element that follows the system's scheme, as an app's page would. */
beforeAll(() => {
  const style = document.createElement('style');
  style.textContent = `body { margin: 0; padding: 16px; font-family: system-ui, sans-serif; }
    @media (prefers-color-scheme: dark) { body { background: #121417; color: #e8eaed; } }`;
  document.head.append(style);
});

afterEach(async () => {
  await send('Network.setBlockedURLs', { urls: [] });
  await send('Fetch.disable');
  await throttle(null);
  await send('Emulation.setEmulatedMedia', { features: [] });
  await page.viewport(414, 896);
  document.body.replaceChildren();
});

function statusText(el: S3Upload, name: string): string {
  return rowOf(el, name).querySelector('[part~="status"]')?.textContent?.trim() ?? '';
}

/** Text the element draws cut off: a status, a button or a summary narrower than its words. */
function clipped(el: S3Upload): string[] {
  const texts = el.shadowRoot!.querySelectorAll<HTMLElement>(
    '[part~="status"], [part~="reason"], [part~="button"], [part~="summary-problems"], [part~="size"]',
  );
  return [...texts]
    .filter((t) => t.getClientRects().length > 0 && t.scrollWidth > t.clientWidth + 1)
    .map((t) => `${t.getAttribute('part')}: "${t.textContent?.trim()}"`);
}

/**
 * The page at each screen size in light and dark: asserts nothing is clipped or wider than
 * the screen, and writes `<state>-<screen>-<scheme>.png`. Reduced motion settles colour
 * transitions at once, so a dark screenshot never catches the element halfway from light.
 */
async function shoot(el: S3Upload, state: string): Promise<void> {
  for (const screen of screens) {
    await page.viewport(screen.width, screen.height);
    for (const scheme of ['light', 'dark'] as const) {
      await send('Emulation.setEmulatedMedia', {
        features: [
          { name: 'prefers-color-scheme', value: scheme },
          { name: 'prefers-reduced-motion', value: 'reduce' },
        ],
      });
      await el.updateComplete;
      await new Promise(requestAnimationFrame);
      expect(
        document.documentElement.scrollWidth,
        `${state} ${screen.name}: page wider than the screen`,
      ).toBe(window.innerWidth);
      expect(clipped(el), `${state} ${screen.name} ${scheme}`).toEqual([]);
      await page.screenshot({
        path: `../../../../test-output/element/states/${state}-${screen.name}-${scheme}.png`,
      });
    }
  }
}

/** The URLs of the page's requests from now on (XHR and fetch), until the test ends. */
function requestsOpened(): string[] {
  const urls: string[] = [];
  const open = XMLHttpRequest.prototype.open;
  const fetch = window.fetch;
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
    urls.push(String(args[1]));
    return (open as (...a: unknown[]) => void).apply(this, args);
  } as typeof open;
  window.fetch = (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  onTestFinished(() => {
    XMLHttpRequest.prototype.open = open;
    window.fetch = fetch;
  });
  return urls;
}

/** Uploads until at least `bytes` are stored or in flight for the only task. */
async function sent(el: S3Upload, bytes: number): Promise<void> {
  await expect
    .poll(() => el.uploader?.tasks[0]?.bytesUploaded ?? 0, { timeout: 20_000 })
    .toBeGreaterThan(bytes);
}

describe('link states, as a user sees them', () => {
  it('"Pausing…" while a kept part waits for its answer, then "Paused"', async () => {
    const { el } = await mount({ concurrency: '1', 'part-size': '5 MiB', 'pause-grace': '600000' });
    // The server is slow to answer part 2: its bytes are all sent, its answer held back
    // (Chromium's Fetch domain). A pause keeps that part, so the row says "Pausing…" until
    // the answer comes, however long we look (a pause grace of ten minutes: four screenshots
    // on a busy machine outlasted the default 5 s).
    const sentUrls = requestsOpened();
    await send('Fetch.enable', { patterns: [{ urlPattern: '*partNumber=2*', requestStage: 'Response' }] });
    el.addFiles([file('holiday-video.mp4', 12 * MiB, 'video/mp4')]);
    // Part 2 on the wire (its request opened: the engine counts it as in flight).
    await expect
      .poll(() => sentUrls.some((url) => url.includes('partNumber=2')), { timeout: 20_000 })
      .toBe(true);
    rowOf(el, 'holiday-video.mp4').querySelector<HTMLButtonElement>('[part~="pause-button"]')!.click();
    await expect.poll(() => statusText(el, 'holiday-video.mp4')).toBe('Pausing…');
    await shoot(el, 'pausing');
    expect(statusText(el, 'holiday-video.mp4')).toBe('Pausing…');
    await send('Fetch.disable');
    await expect.poll(() => statusOfRow(el, 'holiday-video.mp4'), { timeout: 20_000 }).toBe('paused');
    expect(statusText(el, 'holiday-video.mp4')).toBe('Paused');
    await shoot(el, 'paused');
  });

  it('"Offline — will continue when back" while the browser is offline, then continues', async () => {
    const { el, user } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(4 * MiB);
    el.addFiles([file('offline-report.pdf', 12 * MiB, 'application/pdf')]);
    await sent(el, 0);
    // Chromium's own offline switch would also cut this test's channel to vitest (no
    // screenshot could be asked for while it is on): the page hears the browser's 'offline'
    // event and every request to S3 fails, which is what a dropped link looks like to it.
    await send('Network.setBlockedURLs', { urls: [`*/users/${user}/*`] });
    window.dispatchEvent(new Event('offline'));
    await expect
      .poll(() => statusText(el, 'offline-report.pdf'), { timeout: 10_000 })
      .toBe('Offline — will continue when back');
    await shoot(el, 'offline');
    expect(statusText(el, 'offline-report.pdf')).toBe('Offline — will continue when back');
    await send('Network.setBlockedURLs', { urls: [] });
    await throttle(null);
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => statusOfRow(el, 'offline-report.pdf'), { timeout: 30_000 }).toBe('succeeded');
  });

  it('"Reconnecting…" while requests to S3 fail and are retried, then continues', async () => {
    const { el, user } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(4 * MiB);
    el.addFiles([file('reconnecting.zip', 12 * MiB, 'application/zip')]);
    await sent(el, 0);
    // The next part's request fails (blocked, no offline event): the engine retries it.
    const objects = `*/users/${user}/*`;
    await send('Network.setBlockedURLs', { urls: [objects] });
    await expect.poll(() => statusText(el, 'reconnecting.zip'), { timeout: 20_000 }).toBe('Reconnecting…');
    // Nothing moves: no speed or time left drawn from the rate before the failure.
    expect(rowOf(el, 'reconnecting.zip').querySelector('[part="speed"], [part="eta"]')).toBeNull();
    expect($(el, '[part~="summary"]').textContent).not.toMatch(/\/s|left/);
    // Then the retries hang instead of failing, so the row stays reconnecting while we look.
    await send('Fetch.enable', { patterns: [{ urlPattern: objects }] });
    await send('Network.setBlockedURLs', { urls: [] });
    await shoot(el, 'reconnecting');
    expect(statusText(el, 'reconnecting.zip')).toBe('Reconnecting…');
    await send('Fetch.disable');
    await throttle(null);
    await expect.poll(() => statusOfRow(el, 'reconnecting.zip'), { timeout: 60_000 }).toBe('succeeded');
  });

  it('after a reload, the interrupted uploads with Continue and Discard', async () => {
    const { el, token } = await mount({ concurrency: '1', 'part-size': '5 MiB' });
    await throttle(8 * MiB);
    el.addFiles([
      file('a-rather-long-file-name-from-a-phone-camera-IMG_20261206_184512.jpg', 12 * MiB, 'image/jpeg'),
    ]);
    await sent(el, 6 * MiB);
    await (await el.whenUploaderReady()).destroy({ keepResumable: true });
    el.remove();
    await throttle(null);

    const after = document.createElement('s3-upload');
    after.setAttribute('endpoint', `${tokenServer.url}/credentials`);
    after.credentialsRequest = (init) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
    });
    document.body.append(after);
    await expect
      .poll(() => after.shadowRoot?.querySelectorAll('[part~="interrupted-item"]').length, {
        timeout: 20_000,
      })
      .toBe(1);
    expect($(after, '[part~="continue-button"]').textContent?.trim()).toBe('Continue');
    expect($(after, '[part~="discard-button"]').textContent?.trim()).toBe('Discard');
    await shoot(after, 'interrupted');
    // At 1366 px Continue and Discard sit on the row, beside the name and what is stored.
    await page.viewport(1366, 900);
    await after.updateComplete;
    const info = $(after, '.interrupted-item .info').getBoundingClientRect();
    const actions = $(after, '.interrupted-item [part~="actions"]').getBoundingClientRect();
    expect(actions.top, 'Continue/Discard below the name at 1366 px').toBeLessThan(info.bottom);
    expect(actions.left).toBeGreaterThanOrEqual(info.right);
    // On a phone the long name gives way in the middle: its end, the extension, stays whole,
    // and the whole name is its text and title.
    await page.viewport(390, 844);
    await after.updateComplete;
    const name = $(after, '.interrupted-item [part~="name"]');
    const start = name.querySelector<HTMLElement>('.name-start')!;
    const end = name.querySelector<HTMLElement>('.name-end')!;
    expect(start.scrollWidth, 'the start of the name is shortened').toBeGreaterThan(start.clientWidth);
    expect(end.textContent).toBe('184512.jpg');
    expect(end.getBoundingClientRect().right).toBeLessThanOrEqual(name.getBoundingClientRect().right + 0.5);
    expect(name.textContent).toBe('a-rather-long-file-name-from-a-phone-camera-IMG_20261206_184512.jpg');
    expect(name.title).toBe(name.textContent);
    $(after, '[part~="discard-button"]').click();
    await expect
      .poll(() => after.shadowRoot?.querySelectorAll('[part~="interrupted-item"]').length, {
        timeout: 20_000,
      })
      .toBe(0);
  });

  it('a long list with refused files: summary button and the refused rows first', async () => {
    const { el } = await mount({ multiple: true, auto: 'false', 'max-file-size': '1 KB' });
    const name = (i: number) => `scan-${String(i).padStart(3, '0')}.pdf`;
    const tooLarge = new Set([40, 77, 119]);
    el.addFiles(
      Array.from({ length: 120 }, (_, i) =>
        file(name(i), tooLarge.has(i) ? 5000 : 100, 'application/pdf', i + 1),
      ),
    );
    await expect.poll(() => el.shadowRoot!.querySelectorAll('[part~="item"]').length).toBe(120);
    expect($(el, '[part~="summary-problems"]').textContent?.trim()).toBe('Not added: 3');
    await shoot(el, 'long-list');
  });
});
