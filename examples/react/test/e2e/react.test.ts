// examples/react, built with vite as its users build it, in Chromium against the run's
// token server and the local backend: a picked file is stored byte-exact, its progress and
// success reach React state, and the page logs no error or warning.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
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
const shots = join(import.meta.dirname, '..', '..', '..', '..', 'test-output', 'examples');
mkdirSync(shots, { recursive: true });
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

it('a photo picked in the React app is stored byte-exact; progress and success reach React state; the console stays clean', async () => {
  const user = `react-example-${randomBytes(3).toString('hex')}`;
  const target = await chromium.page(app, user);
  const bytes = randomBytes(300_000);
  const { key, stored, progress } = await uploadThroughPage(target, app, { local, name: 'beach.bin', bytes });
  expect(key).toMatch(new RegExp(`^users/${user}/.+/beach\\.bin$`));
  expect(stored.equals(bytes)).toBe(true);
  expect(progress).toEqual({ value: bytes.length, max: bytes.length });

  // The form submits the controlled value, then empties it (and the element) for the next post.
  const { page } = target;
  await page.locator('input[name=caption]').fill('At the beach');
  await page.getByRole('button', { name: 'Post' }).click();
  await expect
    .poll(() => page.locator('[data-posted]').textContent())
    .toBe('Posted “At the beach” with 1 photo(s).');
  await expect.poll(() => page.locator('s3-upload [part~="item"]').count()).toBe(0);
  expect(await page.locator('[data-uploaded-key]').count()).toBe(0);
  // For review: the page at phone size in dark mode, as its users see it.
  await target.page.setViewportSize({ width: 390, height: 844 });
  await target.page.emulateMedia({ colorScheme: 'dark' });
  await target.page.screenshot({ path: join(shots, 'react-phone-dark.png'), fullPage: true });
  expect(target.problems).toEqual([]);
});
