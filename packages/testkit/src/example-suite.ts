// The one test every post-form example (React, Vue, Svelte) passes, so the examples are held
// to the same contract and a new one is a few lines: built as its users build it, in
// Chromium against the run's token server and the local backend, a picked file is stored
// byte-exact; progress, success and the controlled value reach the framework's state; the
// framework set the numeric property from the template's text; the form posts the keys and
// the emptied value empties the element; the page logs no error or warning.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  type ExampleApp,
  type ExampleBrowser,
  launchExampleBrowser,
  startExampleApp,
  uploadThroughPage,
} from './example-app.js';
import type {} from './global-setup.js';
import type {} from './provided-token-server.js';

export interface PostFormExample {
  /** The framework's name as a user says it ("Vue"); it names the test and the screenshot. */
  framework: string;
  /** The example's folder (the one with its package.json). */
  dir: string;
}

/**
 * Registers the example's test in the calling file. The page must hold a `<s3-upload
 * max-file-size="20 MB">` whose value is controlled by the framework, a `<p>` saying
 * "N photo(s) ready" from that value, the `data-uploaded-key` and `data-upload-progress`
 * elements of {@link uploadThroughPage}, an `input[name=caption]`, a Post button and a
 * `[data-posted]` line saying what was posted.
 */
export function postFormExampleTests({ framework, dir }: PostFormExample): void {
  const local = inject('localS3');
  const tokenServer = inject('tokenServer');
  const id = framework.toLowerCase();
  const shots = join(import.meta.dirname, '..', '..', '..', 'test-output', 'examples');
  let app: ExampleApp;
  let chromium: ExampleBrowser;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    app = await startExampleApp({ dir, kind: 'vite', local, tokenServer });
    chromium = await launchExampleBrowser(tokenServer.jwt);
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  it(`a photo picked in the ${framework} app is stored byte-exact; progress, success and the value reach ${framework} state; the post carries its key`, async () => {
    const user = `${id}-example-${randomBytes(3).toString('hex')}`;
    const target = await chromium.page(app, user);
    const { page } = target;
    const bytes = randomBytes(300_000);
    const { key, stored, progress } = await uploadThroughPage(target, app, {
      local,
      name: 'beach.bin',
      bytes,
    });
    expect(key).toMatch(new RegExp(`^users/${user}/.+/beach\\.bin$`));
    expect(stored.equals(bytes)).toBe(true);
    expect(progress).toEqual({ value: bytes.length, max: bytes.length });
    // The framework set the numeric property from the template's text, and the limit holds.
    expect(
      await page
        .locator('s3-upload')
        .evaluate((el) => (el as HTMLElement & { maxFileSize: number }).maxFileSize),
    ).toBe(20_000_000);
    // The element's change event reached the framework's state (the controlled value).
    await expect.poll(() => page.getByText('1 photo(s) ready').count()).toBe(1);

    // The form submits the controlled value, then empties it, which empties the element.
    await page.locator('input[name=caption]').fill('At the beach');
    await page.getByRole('button', { name: 'Post' }).click();
    await expect
      .poll(() => page.locator('[data-posted]').textContent())
      .toContain('Posted “At the beach” with 1 photo(s).');
    await expect.poll(() => page.locator('s3-upload [part~="item"]').count()).toBe(0);
    // For review: the page at phone size in dark mode, as its users see it.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    // animations: 'disabled' completes the colour transition the scheme switch starts.
    await page.screenshot({
      path: join(shots, `${id}-phone-dark.png`),
      fullPage: true,
      animations: 'disabled',
    });
    expect(target.problems).toEqual([]);
  });
}
