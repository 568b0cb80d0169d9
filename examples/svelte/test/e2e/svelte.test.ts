// examples/svelte, built with vite as its users build it, in Chromium against the run's token
// server and the local backend: a picked file is stored byte-exact, its progress and success
// reach Svelte state, the form submits the keys and the controlled value empties the element,
// and the page logs no error or warning.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  type ExampleApp,
  type ExampleBrowser,
  launchExampleBrowser,
  startExampleApp,
  uploadThroughPage,
} from '@s3up/testkit/example-app';
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';

const local = inject('localS3');
const tokenServer = inject('tokenServer');
let app: ExampleApp;
let chromium: ExampleBrowser;

beforeAll(async () => {
  app = await startExampleApp({
    dir: join(import.meta.dirname, '..', '..'),
    kind: 'vite',
    local,
    tokenServer,
  });
  chromium = await launchExampleBrowser(tokenServer.jwt);
});

afterAll(async () => {
  await chromium?.close();
  await app?.close();
});

it('a photo picked in the Svelte app is stored byte-exact; progress and success reach Svelte state; the post carries its key', async () => {
  const user = `svelte-example-${randomBytes(3).toString('hex')}`;
  const target = await chromium.page(app, user);
  const { page } = target;
  const bytes = randomBytes(300_000);
  const { key, stored, progress } = await uploadThroughPage(target, app, { local, name: 'beach.bin', bytes });
  expect(key).toMatch(new RegExp(`^users/${user}/.+/beach\\.bin$`));
  expect(stored.equals(bytes)).toBe(true);
  expect(progress).toEqual({ value: bytes.length, max: bytes.length });
  // Svelte set the numeric property from the template's text, and the limit holds.
  expect(
    await page
      .locator('s3-upload')
      .evaluate((el) => (el as HTMLElement & { maxFileSize: number }).maxFileSize),
  ).toBe(20_000_000);
  // s3-change reached Svelte state.
  await expect.poll(() => page.getByText('1 photo(s) ready').count()).toBe(1);

  await page.locator('input[name=caption]').fill('At the beach');
  await page.getByRole('button', { name: 'Post' }).click();
  await expect
    .poll(() => page.locator('[data-posted]').textContent())
    .toContain('Posted “At the beach” with 1 photo(s).');
  // The controlled value went back to [], which empties the element's list.
  await expect.poll(() => page.locator('s3-upload [part~="item"]').count()).toBe(0);
  expect(target.problems).toEqual([]);
});
