import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { renditionKey } from '@s3up/contract';
import { chromiumArgs, chromiumPath, s3Client } from '@s3up/testkit';
// inject('localS3') is typed by the testkit's globalSetup.
import type {} from '@s3up/testkit/global-setup';
import { statusOf } from '@s3up/testkit/s3-status';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localBackend } from '../../src/server/backend-config.js';
import { type DemoServer, startDemoServer } from '../../src/server/demo-server.js';
import { demoTokenService } from '../../src/server/token-service.js';
import { gradientBitmap, gradientPng } from '../support/bitmap.js';

const local = inject('localS3');
const shots = join(import.meta.dirname, '..', '..', '..', '..', 'test-output', 'demo');
mkdirSync(shots, { recursive: true });

// Users of this run only: other suites share the cluster and may write under users/alice/.
const run = randomBytes(3).toString('hex');
const alice = `alice-${run}`;
const bob = `bob-${run}`;
const dave = `dave-${run}`;
const MiB = 1024 * 1024;
// expect.poll gives up after 1 s by default; a page load on a busy CI machine can take longer.
const patient = { timeout: 30_000 };
const photo = gradientBitmap(20 * MiB);
const notes = Buffer.from(`Shopping list ${run}\n- film\n- batteries\n`);

let demo: DemoServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const service = s3Client(local, local.service);

const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };

async function page(viewport = desktop): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const p = await context.newPage();
  p.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return p;
}

async function signIn(p: Page, user: string) {
  await p.goto(demo.url);
  await p.locator('demo-sign-in input#name').fill(user);
  await p.locator('demo-sign-in button[type=submit]').click();
  await expect
    .poll(() => p.locator('[data-testid=user]').textContent(), patient)
    .toMatch(new RegExp(user, 'i'));
}

// Files on disk, not buffers: Chromium reads them itself instead of receiving 20 MiB over CDP.
const fileDir = mkdtempSync(join(tmpdir(), 's3up-demo-e2e-'));
function file(name: string, bytes: Buffer): string {
  const path = join(fileDir, name);
  writeFileSync(path, bytes);
  return path;
}

function uploader(p: Page) {
  return p.locator('demo-upload-card s3-upload');
}

/** Picks files in the upload card: each gets a row asking for its title and description. */
async function pick(p: Page, paths: string[]) {
  await uploader(p).locator('input[type=file]').setInputFiles(paths);
  for (const path of paths) await details(p, basename(path)).waitFor();
}

/** A picked file's form in its row, found as a screen reader finds it ("Details for photo.bmp"). */
function details(p: Page, name: string) {
  return uploader(p).getByRole('group', { name: `Details for ${name}`, exact: true });
}

/** Types a title and a description into a picked file's row, as a user would. */
async function describeFile(p: Page, name: string, text: { title?: string; description?: string }) {
  const form = details(p, name);
  if (text.title !== undefined) await form.getByLabel('Title').fill(text.title);
  if (text.description !== undefined) await form.getByLabel('Description').fill(text.description);
}

async function pressUpload(p: Page) {
  await uploader(p).getByRole('button', { name: 'Upload', exact: true }).click();
}

/** Picks files and presses Upload without details (the demo's fields are optional). */
async function upload(p: Page, paths: string[]) {
  await pick(p, paths);
  await pressUpload(p);
}

function galleryItem(p: Page, name: string) {
  return p.locator(`demo-gallery li[data-name="${name}"]`);
}

async function keysOf(user: string): Promise<string[]> {
  const listed = await service.send(
    new ListObjectsV2Command({ Bucket: local.bucket, Prefix: `users/${user}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

/** Screenshots of one screen in light and dark, for a person to check (test-output/demo/). */
async function shoot(p: Page, name: string, options: { fullPage?: boolean } = {}) {
  // animations: 'disabled' completes the colour transitions the scheme switch starts, so a
  // dark screenshot never catches the element's dropzone halfway from light.
  await p.emulateMedia({ colorScheme: 'light' });
  await p.screenshot({ path: join(shots, `${name}-light.png`), animations: 'disabled', ...options });
  await p.emulateMedia({ colorScheme: 'dark' });
  await p.screenshot({ path: join(shots, `${name}-dark.png`), animations: 'disabled', ...options });
  await p.emulateMedia({ colorScheme: 'light' });
}

/** Nothing of the page is wider than the viewport (no sideways scrolling on a phone). */
function overflowX(p: Page): Promise<number> {
  return p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A JWT of the demo's sign-in, for calling its API as the test. */
async function sessionOf(user: string): Promise<string> {
  const res = await fetch(`${demo.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** ListObjectsV2 requests the page sends (`list-type=2`), and those with a continuation token. */
function watchListing(p: Page) {
  const seen = { lists: 0, continued: 0 };
  p.on('request', (r) => {
    const url = new URL(r.url());
    if (url.port !== new URL(local.endpoint).port || url.searchParams.get('list-type') !== '2') return;
    seen.lists += 1;
    if (url.searchParams.has('continuation-token')) seen.continued += 1;
  });
  return seen;
}

/** `=?UTF-8?B?…?=`: how non-ASCII metadata travels in an x-amz-meta-* header. */
function rfc2047(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
}

async function bytesOf(key: string): Promise<Buffer> {
  const object = await service.send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

beforeAll(async () => {
  demo = await startDemoServer({
    backend: localBackend(local),
    tokenService: demoTokenService(),
    port: 0,
    // Its own Vite cache: a developer's `pnpm demo` may be running on the same checkout.
    viteCacheDir: join(import.meta.dirname, '..', '..', 'node_modules', '.vite-e2e'),
  });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await demo?.close();
  service.destroy();
  rmSync(fileDir, { recursive: true, force: true });
});

describe('the photo-sharing demo, end to end in Chromium', () => {
  let alicePage: Page;

  it('shows a sign-in screen offering the demo users', async () => {
    const p = await page();
    await p.goto(demo.url);
    await expect
      .poll(() => p.locator('demo-sign-in button[data-user]').count(), patient)
      .toBeGreaterThanOrEqual(2);
    await shoot(p, '01-sign-in-desktop');
    await p.setViewportSize(phone);
    await shoot(p, '01-sign-in-phone');
  });

  it('signing out with a picked file not sent yet says so; mid-upload it warns first, then aborts the upload on S3: no open multipart upload, no request after (#20)', async () => {
    const carol = `carol-${run}`;
    const p = await page();
    await signIn(p, carol);
    // A slow link, so the upload is surely running when the user signs out.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 2 * MiB,
    });
    const s3Requests: string[] = [];
    p.on('request', (r) => {
      if (new URL(r.url()).port === new URL(local.endpoint).port) s3Requests.push(r.url());
    });
    const writes: string[] = [];
    p.on('request', (r) => {
      if (new URL(r.url()).port === new URL(local.endpoint).port && ['PUT', 'POST'].includes(r.method()))
        writes.push(`${r.method()} ${r.url()}`);
    });
    // Picked but not sent yet (its row waits for Upload): signing out says so, and is declined.
    await pick(p, [file('big.bin', randomBytes(30 * MiB))]);
    const waiting: string[] = [];
    p.once('dialog', (dialog) => {
      waiting.push(dialog.message());
      void dialog.dismiss();
    });
    await p.locator('demo-app header button', { hasText: 'Sign out' }).click();
    await expect.poll(() => waiting.length, patient).toBe(1);
    expect(waiting[0]).toMatch(/not uploaded yet/);
    // Nothing was written to S3 (the page's only S3 requests so far are its gallery's reads).
    expect(writes).toEqual([]);
    await pressUpload(p);
    await expect
      .poll(async () => {
        const open = await service.send(
          new ListMultipartUploadsCommand({ Bucket: local.bucket, Prefix: `users/${carol}/` }),
        );
        return open.Uploads?.length ?? 0;
      }, patient)
      .toBe(1);
    // The first press is declined: still signed in, still uploading.
    const dialogs: string[] = [];
    p.once('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await p.locator('demo-app header button', { hasText: 'Sign out' }).click();
    await expect.poll(() => dialogs.length, patient).toBe(1);
    expect(dialogs[0]).toMatch(/Uploads are still running/);
    expect(await p.locator('[data-testid=user]').count()).toBe(1);
    p.once('dialog', (dialog) => void dialog.accept());
    await p.locator('demo-app header button', { hasText: 'Sign out' }).click();
    await expect.poll(() => p.locator('demo-sign-in').count(), patient).toBe(1);
    const open = await service.send(
      new ListMultipartUploadsCommand({ Bucket: local.bucket, Prefix: `users/${carol}/` }),
    );
    expect(open.Uploads ?? []).toEqual([]);
    // The page did talk to S3 (the count below is not empty by construction), and then stopped.
    expect(s3Requests.length).toBeGreaterThan(0);
    const after = s3Requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(s3Requests.slice(after)).toEqual([]);
    expect(await keysOf(carol)).toEqual([]);
    await cdp.detach();
  });

  it('Alice picks a 20 MiB photo and a text file, gives the photo a title and a description, and uploads: both are in her gallery, byte-exact in the bucket, the photo with its details and a 320 px thumbnail the browser made', async () => {
    alicePage = await page();
    await signIn(alicePage, alice);
    await pick(alicePage, [file('photo.bmp', photo), file('notes.txt', notes)]);
    // The uploads wait for the user: nothing is sent before Upload.
    expect(await keysOf(alice)).toEqual([]);
    await describeFile(alicePage, 'photo.bmp', {
      title: 'Harbour lights',
      description: 'Dusk over the harbour — été 2026',
    });
    await shoot(alicePage, '02-upload-details-desktop');
    await pressUpload(alicePage);
    await expect.poll(() => galleryItem(alicePage, 'photo.bmp').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => galleryItem(alicePage, 'notes.txt').count(), { timeout: 30_000 }).toBe(1);

    const prefix = `users/${alice}/`;
    const keys = await keysOf(alice);
    const photoKey = keys.find((k) => k.endsWith('/photo.bmp'))!;
    const notesKey = keys.find((k) => k.endsWith('/notes.txt'))!;
    const thumbnailKey = renditionKey(photoKey, { prefix, width: 320, format: 'webp' });
    expect(keys).toEqual([photoKey, notesKey, thumbnailKey].sort());
    expect((await bytesOf(photoKey)).equals(photo)).toBe(true);
    expect((await bytesOf(notesKey)).equals(notes)).toBe(true);
    // What was typed is stored with the photo (non-ASCII as RFC 2047); nothing with the notes.
    const head = await service.send(new HeadObjectCommand({ Bucket: local.bucket, Key: photoKey }));
    expect(head.Metadata).toMatchObject({
      title: 'Harbour lights',
      description: rfc2047('Dusk over the harbour — été 2026'),
    });
    const notesHead = await service.send(new HeadObjectCommand({ Bucket: local.bucket, Key: notesKey }));
    expect(notesHead.Metadata?.title).toBeUndefined();

    // The card shows the engine's WebP thumbnail (320 px, not the 2048 px original), through a
    // presigned GET, and the title and description (alt text too).
    const card = galleryItem(alicePage, 'photo.bmp');
    const thumb = card.locator('img');
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
      .toBe(320);
    expect(await thumb.getAttribute('data-thumbnail')).toBe('rendition');
    expect(await thumb.getAttribute('src')).toContain('/.thumbnails/320/');
    expect(await thumb.getAttribute('src')).toContain('X-Amz-Signature=');
    expect((await bytesOf(thumbnailKey)).subarray(8, 12).toString('latin1')).toBe('WEBP');
    await expect
      .poll(() => card.locator('[data-testid=title]').textContent(), patient)
      .toBe('Harbour lights');
    expect(await card.locator('[data-testid=description]').textContent()).toBe(
      'Dusk over the harbour — été 2026',
    );
    expect(await thumb.getAttribute('alt')).toBe('Harbour lights: Dusk over the harbour — été 2026');
    // The thumbnail is not a file of its own in the gallery.
    expect(await alicePage.locator('demo-gallery li[data-key*="/.thumbnails/"]').count()).toBe(0);
    expect(await galleryItem(alicePage, 'notes.txt').locator('[data-testid=title]').textContent()).toBe(
      'notes.txt',
    );

    // The session panel shows the upload credential's scope: Alice's prefix only.
    const uploadCred = alicePage.locator('demo-session-panel .cred[data-scope=upload]');
    await expect
      .poll(() => uploadCred.locator('[data-testid=prefix]').textContent(), patient)
      .toBe(`users/${alice}/`);
    expect(await uploadCred.textContent()).toContain('s3:PutObject');
    expect(await uploadCred.locator('[data-testid=countdown]').textContent()).toMatch(/expires in \d+ min/);
  });

  it('an upload adds its card without listing or re-signing the others: the URLs stay the same', async () => {
    const listing = watchListing(alicePage);
    const photoSrc = await galleryItem(alicePage, 'photo.bmp').locator('img').getAttribute('src');
    await upload(alicePage, [file('second.txt', Buffer.from(`second ${run}`))]);
    await expect.poll(() => galleryItem(alicePage, 'second.txt').count(), patient).toBe(1);
    expect(listing.lists).toBe(0);
    expect(await galleryItem(alicePage, 'photo.bmp').locator('img').getAttribute('src')).toBe(photoSrc);
    // Newest first.
    expect(await alicePage.locator('demo-gallery li[data-key]').first().getAttribute('data-name')).toBe(
      'second.txt',
    );
  });

  it('listed again, a photo keeps the thumbnail found under the documented key, and a photo another tool stored with a title and description shows both', async () => {
    const prefix = `users/${alice}/`;
    await service.send(
      new PutObjectCommand({
        Bucket: local.bucket,
        Key: `${prefix}trip/harbour.bmp`,
        Body: gradientBitmap(64 * 48 * 3 + 54, 64),
        ContentType: 'image/bmp',
        Metadata: { title: 'Harbour at dusk', description: rfc2047('Boats coming home — été 2026') },
      }),
    );
    await alicePage.locator('demo-gallery button', { hasText: 'Refresh' }).click();
    await expect.poll(() => alicePage.locator('[data-testid=file-count]').textContent(), patient).toBe('4');
    const card = galleryItem(alicePage, 'photo.bmp');
    await expect.poll(() => card.locator('img').getAttribute('data-thumbnail'), patient).toBe('rendition');
    expect(await card.locator('img').getAttribute('src')).toContain('/.thumbnails/320/');
    await expect
      .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth), patient)
      .toBe(320);
    expect(await alicePage.locator('demo-gallery li[data-key*="/.thumbnails/"]').count()).toBe(0);

    const harbour = galleryItem(alicePage, 'harbour.bmp');
    await expect
      .poll(() => harbour.locator('[data-testid=title]').textContent(), patient)
      .toBe('Harbour at dusk');
    expect(await harbour.locator('[data-testid=description]').textContent()).toBe(
      'Boats coming home — été 2026',
    );
    expect(await harbour.locator('img').getAttribute('alt')).toBe(
      'Harbour at dusk: Boats coming home — été 2026',
    );
    await shoot(alicePage, '02-gallery-desktop');
  });

  it('Delete asks first; confirmed, it removes the photo and its thumbnail from S3 and from the gallery', async () => {
    const before = await keysOf(alice);
    const photoKeys = before.filter((k) => k.endsWith('/photo.bmp') || k.endsWith('/photo.bmp.webp'));
    expect(photoKeys).toHaveLength(2);
    const card = galleryItem(alicePage, 'photo.bmp');
    const dialog = alicePage.locator('demo-gallery dialog#delete-dialog');

    // Cancelled: nothing happens.
    await card.locator('[data-testid=delete]').click();
    await expect.poll(() => dialog.isVisible(), patient).toBe(true);
    expect(await dialog.textContent()).toMatch(/Delete “photo\.bmp”\?[\s\S]*photo and its thumbnails/);
    await shoot(alicePage, '03-delete-confirm-desktop');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible(), patient).toBe(false);
    expect(await keysOf(alice)).toEqual(before);

    // Confirmed: the original and its thumbnail are gone from the bucket, the rest stays.
    await card.locator('[data-testid=delete]').click();
    await dialog.locator('[data-testid=confirm-delete]').click();
    await expect.poll(() => card.count(), patient).toBe(0);
    expect(await keysOf(alice)).toEqual(before.filter((k) => !photoKeys.includes(k)));
    expect(await alicePage.locator('[data-testid=file-count]').textContent()).toBe('3');
    // Listed again from S3, it stays deleted.
    await alicePage.locator('demo-gallery button', { hasText: 'Refresh' }).click();
    await expect.poll(() => alicePage.locator('[data-testid=file-count]').textContent(), patient).toBe('3');
    expect(await card.count()).toBe(0);
    // Photo upload again, for the share tests that follow.
    await upload(alicePage, [file('photo.bmp', photo)]);
    await expect.poll(() => card.count(), { timeout: 60_000 }).toBe(1);
  });

  it('Alice shares the photo for a minute: the link opens it without signing in, and the open dialog says when it has expired', async () => {
    // Playwright's clock drives the page: the test moves it past the expiry instead of waiting.
    const p = await page();
    await p.clock.install();
    await signIn(p, alice);
    await expect.poll(() => galleryItem(p, 'photo.bmp').count(), patient).toBe(1);
    await galleryItem(p, 'photo.bmp').locator('[data-testid=share]').click();
    const dialog = p.locator('demo-share-dialog dialog');
    await expect.poll(() => dialog.isVisible(), patient).toBe(true);
    // The limit is stated: presigned URLs die with the credentials that sign them.
    expect(await dialog.locator('[data-testid=share-bounds]').textContent()).toMatch(/at most|1 minute to/);
    await dialog.getByText('Custom').click();
    await dialog.locator('#amount').fill('1');
    await dialog.locator('[data-testid=create-link]').click();
    const link = dialog.locator('[data-testid=share-link]');
    await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toContain('/share#');
    const shareUrl = await link.inputValue();
    const expiresAt = Date.parse(new URLSearchParams(new URL(shareUrl).hash.slice(1)).get('e')!);
    expect(expiresAt - Date.now()).toBeGreaterThan(30_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(61_000);
    expect(await dialog.locator('[data-testid=share-left]').textContent()).toMatch(
      /^\d+ s left$|^1 min 00 s left$/,
    );
    await shoot(p, '04-share-dialog-desktop');

    const visitor = await page();
    await visitor.goto(shareUrl);
    const image = visitor.locator('[data-testid=shared-image]');
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
      .toBe(2048);
    expect(await visitor.locator('[data-testid=share-expiry]').textContent()).toMatch(/Link expires in/);
    await shoot(visitor, '05-share-page-desktop');

    // Past the expiry the open dialog says so, and no longer offers the dead link.
    await p.clock.fastForward(expiresAt - Date.now() + 2000);
    const result = dialog.locator('[data-testid=share-result]');
    await expect.poll(() => result.getAttribute('data-state'), patient).toBe('expired');
    expect(await result.textContent()).toMatch(/This link has expired/);
    expect(await dialog.locator('[data-testid=share-link]').count()).toBe(0);
    expect(await dialog.locator('[data-testid=create-link]').textContent()).toMatch(/Create another/);
    await shoot(p, '06-share-dialog-expired-desktop');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it("Bob sees only his own files, and Alice's key is refused with Bob's credentials", async () => {
    const bobPage = await page();
    await signIn(bobPage, bob);
    await upload(bobPage, [file('bob.txt', Buffer.from('bob was here'))]);
    await expect.poll(() => galleryItem(bobPage, 'bob.txt').count(), { timeout: 30_000 }).toBe(1);
    expect(await bobPage.locator('demo-gallery li[data-key]').count()).toBe(1);
    expect(await galleryItem(bobPage, 'photo.bmp').count()).toBe(0);

    // Bob's own read credentials, from the same token server, on Alice's key: S3 says 403.
    const session = (await (
      await fetch(`${demo.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: bob }),
      })
    ).json()) as { token: string };
    const credentials = async (scope: string) =>
      (await (
        await fetch(`${demo.url}/api/credentials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ scope }),
        })
      ).json()) as { accessKeyId: string; secretAccessKey: string; sessionToken: string; prefix: string };
    const keys = ({
      accessKeyId,
      secretAccessKey,
      sessionToken,
    }: Awaited<ReturnType<typeof credentials>>) => ({
      accessKeyId,
      secretAccessKey,
      sessionToken,
    });
    const read = await credentials('read');
    expect(read.prefix).toBe(`users/${bob}/`);
    const [aliceKey] = (await keysOf(alice)).filter((k) => k.endsWith('/photo.bmp'));
    const asBob = s3Client(local, keys(read));
    expect(await statusOf(asBob.send(new GetObjectCommand({ Bucket: local.bucket, Key: aliceKey })))).toBe(
      403,
    );
    expect(
      await statusOf(asBob.send(new GetObjectCommand({ Bucket: local.bucket, Key: (await keysOf(bob))[0] }))),
    ).toBe(200);
    const list = s3Client(local, keys(await credentials('list')));
    expect(
      await statusOf(
        list.send(new ListObjectsV2Command({ Bucket: local.bucket, Prefix: `users/${alice}/` })),
      ),
    ).toBe(403);
    // Bob's delete credentials (the demo enables the scope) cannot delete Alice's photo.
    const remover = s3Client(local, keys(await credentials('delete')));
    expect(
      await statusOf(remover.send(new DeleteObjectCommand({ Bucket: local.bucket, Key: aliceKey }))),
    ).toBe(403);
    expect((await bytesOf(aliceKey!)).equals(photo)).toBe(true);
    remover.destroy();
    asBob.destroy();
    list.destroy();

    // Asking the token server to sign Alice's key for Bob is refused too (and audited).
    const presign = await fetch(`${demo.url}/api/presign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', key: `../${alice}/${aliceKey!.split('/').slice(2).join('/')}` }),
    });
    expect(presign.status).toBeGreaterThanOrEqual(400);

    // A token the demo did not sign (wrong secret) gets no credentials: 401, and an audit line.
    const forged = `${session.token.slice(0, session.token.lastIndexOf('.'))}.${Buffer.alloc(32).toString('base64url')}`;
    const refused = await fetch(`${demo.url}/api/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
  });

  it("the audit panel shows Alice's issuance, her share link and a refused request", async () => {
    const lines = alicePage.locator('demo-audit-panel [data-testid=audit-lines] li');
    // The panel polls every 2 s: wait until its polls have brought all three lines.
    const count = (...texts: string[]) =>
      texts.reduce((l, text) => l.filter({ hasText: text }), lines).count();
    const seen = async () => ({
      aliceIssued: (await count('credentials.issued', `user ${alice}`)) > 0,
      shareIssued: (await count('presign.issued', alice)) > 0,
      refused: (await count('credentials.refused')) > 0,
    });
    await expect
      .poll(seen, { timeout: 20_000 })
      .toEqual({ aliceIssued: true, shareIssued: true, refused: true })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\npanel:\n${(await lines.allInnerTexts()).join('\n')}`);
      });
    await shoot(alicePage, '07-workspace-desktop', { fullPage: true });
  });

  it('fits a 390 px phone: the gallery, the share and the delete dialogs, with no sideways scrolling', async () => {
    const p = await page(phone);
    await signIn(p, alice);
    await expect.poll(() => p.locator('[data-testid=file-count]').textContent(), patient).toBe('4');
    await expect
      .poll(() => galleryItem(p, 'harbour.bmp').locator('[data-testid=title]').textContent(), patient)
      .toBe('Harbour at dusk');
    expect(await overflowX(p)).toBeLessThanOrEqual(0);
    await shoot(p, '08-gallery-phone');
    await shoot(p, '09-workspace-phone', { fullPage: true });

    const inside = async (dialog: ReturnType<Page['locator']>) => {
      const box = (await dialog.boundingBox())!;
      return box.x >= 0 && box.x + box.width <= phone.width;
    };
    await galleryItem(p, 'photo.bmp').locator('[data-testid=share]').click();
    const share = p.locator('demo-share-dialog dialog');
    await expect.poll(() => share.isVisible(), patient).toBe(true);
    await share.getByText('1 hour').click();
    await share.locator('[data-testid=create-link]').click();
    await expect.poll(() => share.locator('[data-testid=share-link]').count(), patient).toBe(1);
    expect(await inside(share)).toBe(true);
    expect(await overflowX(p)).toBeLessThanOrEqual(0);
    await shoot(p, '10-share-dialog-phone');
    await share.getByRole('button', { name: 'Close' }).click();

    await galleryItem(p, 'photo.bmp').locator('[data-testid=delete]').click();
    const remove = p.locator('demo-gallery dialog#delete-dialog');
    await expect.poll(() => remove.isVisible(), patient).toBe(true);
    expect(await inside(remove)).toBe(true);
    await shoot(p, '11-delete-confirm-phone');
    await remove.getByRole('button', { name: 'Cancel' }).click();
    expect(await galleryItem(p, 'photo.bmp').count()).toBe(1);

    // A picked photo's row asks for its details within the phone's width too.
    await pick(p, [file('beach.bmp', gradientBitmap(64 * 48 * 3 + 54, 64))]);
    await describeFile(p, 'beach.bmp', { title: 'Beach', description: 'Low tide, early morning' });
    expect(await overflowX(p)).toBeLessThanOrEqual(0);
    const form = (await details(p, 'beach.bmp').boundingBox())!;
    expect(form.x + form.width).toBeLessThanOrEqual(phone.width);
    await details(p, 'beach.bmp').scrollIntoViewIfNeeded();
    await shoot(p, '11b-upload-details-phone');
  });

  it('pages through 1,200 photos with continuation tokens, and renders and loads them as they scroll into view', async () => {
    const prefix = `users/${dave}/`;
    const body = gradientPng(16, 12);
    const keys = Array.from(
      { length: 1200 },
      (_, i) => `${prefix}seed/photo-${String(i).padStart(4, '0')}.png`,
    );
    // Seeded with the bucket owner's keys, 64 PutObjects at a time: RGW, not the test, is the limit.
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < keys.length) {
          const Key = keys[next++]!;
          await service.send(
            new PutObjectCommand({ Bucket: local.bucket, Key, Body: body, ContentType: 'image/png' }),
          );
        }
      }),
    );
    const p = await page();
    const listing = watchListing(p);
    const fetched = new Set<string>();
    p.on('request', (r) => {
      const url = new URL(r.url());
      if (r.method() === 'GET' && url.pathname.includes(`/${prefix}seed/`)) fetched.add(url.pathname);
    });
    await signIn(p, dave);
    await expect.poll(() => p.locator('[data-testid=file-count]').textContent(), patient).toBe('1200');
    // Two pages of at most 1,000 keys: the second asked for with the first's continuation token.
    expect(listing).toEqual({ lists: 2, continued: 1 });
    const cards = p.locator('demo-gallery li[data-key]');
    expect(await cards.count()).toBe(48);
    await expect.poll(() => fetched.size, patient).toBeGreaterThan(0);
    // Only images of rendered cards are downloaded, never the 1,200.
    const onlyRendered = async () => {
      const rendered = await cards.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.key!));
      const strays = [...fetched].filter((path) => !rendered.some((key) => path.endsWith(`/${key}`)));
      return { rendered: rendered.length, strays };
    };
    const first = await onlyRendered();
    expect(first.strays).toEqual([]);
    expect(first.rendered).toBeLessThan(1200);
    await shoot(p, '12-many-photos-desktop');
    await p.locator('demo-gallery [data-testid=more]').scrollIntoViewIfNeeded();
    await expect.poll(() => cards.count(), patient).toBeGreaterThan(first.rendered);
    const more = await cards.count();
    // From the keyboard: the cards rendered as the button scrolls into view push it down
    // again, so a pointer click chases it out of the viewport (CI flake of a519fae).
    await p.locator('demo-gallery [data-testid=more] button').focus();
    await p.keyboard.press('Enter');
    await expect.poll(() => cards.count(), patient).toBeGreaterThan(more);
    expect((await onlyRendered()).strays).toEqual([]);
    expect(fetched.size).toBeLessThan(1200);
    expect(listing.lists).toBe(2);
  });

  it('a share link stops working once it expires (a 2-second link the test asks for)', async () => {
    const [photoKey] = (await keysOf(alice)).filter((k) => k.endsWith('/photo.bmp'));
    const relative = photoKey!.slice(`users/${alice}/`.length);
    const res = await fetch(`${demo.url}/api/presign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sessionOf(alice)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', key: relative, expiresIn: 2 }),
    });
    expect(res.status).toBe(200);
    const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
    expect((await fetch(url)).status).toBe(200);
    const shareUrl = `${demo.url}/share#${new URLSearchParams({ u: url, n: 'photo.bmp', e: expiresAt })}`;
    const wait = Date.parse(expiresAt) - Date.now() + 1500;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    expect((await fetch(url)).status).toBe(403);
    const visitor = await page();
    await visitor.goto(shareUrl);
    await expect
      .poll(() => visitor.locator('[data-testid=share-state]').textContent(), patient)
      .toMatch(/expired/);
    expect(await visitor.locator('[data-testid=shared-image]').count()).toBe(0);
    await shoot(visitor, '13-share-expired-desktop');
  });
});
