import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { chromiumArgs, chromiumPath, s3Client } from '@s3up/testkit';
// inject('localS3') is typed by the testkit's globalSetup.
import type {} from '@s3up/testkit/global-setup';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localBackend } from '../../src/server/backend-config.js';
import { type DemoServer, startDemoServer } from '../../src/server/demo-server.js';
import { demoTokenService } from '../../src/server/token-service.js';
import { gradientBitmap } from '../support/bitmap.js';

const local = inject('localS3');
const shots = join(import.meta.dirname, '..', '..', '..', '..', 'test-output', 'demo');
mkdirSync(shots, { recursive: true });

// Users of this run only: other suites share the cluster and may write under users/alice/.
const run = randomBytes(3).toString('hex');
const alice = `alice-${run}`;
const bob = `bob-${run}`;
const MiB = 1024 * 1024;
// expect.poll gives up after 1 s by default; a page load on a busy CI machine can take longer.
const patient = { timeout: 30_000 };
const photo = gradientBitmap(20 * MiB);
const notes = Buffer.from(`Shopping list ${run}\n- film\n- batteries\n`);

let demo: DemoServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const service = s3Client(local, local.service);

async function page(viewport = { width: 1280, height: 900 }): Promise<Page> {
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

async function upload(p: Page, paths: string[]) {
  await p.locator('s3-upload input[type=file]').setInputFiles(paths);
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

async function bytesOf(key: string): Promise<Buffer> {
  const object = await service.send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

function statusOf(promise: Promise<unknown>): Promise<number> {
  return promise.then(
    () => 200,
    (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode ?? -1,
  );
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
  let shareUrl = '';
  let shareExpiresAt = 0;

  it('shows a sign-in screen offering the demo users', async () => {
    const p = await page();
    await p.goto(demo.url);
    await expect
      .poll(() => p.locator('demo-sign-in button[data-user]').count(), patient)
      .toBeGreaterThanOrEqual(2);
    await p.screenshot({ path: join(shots, '01-sign-in.png') });
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.screenshot({ path: join(shots, '01-sign-in-dark.png') });
  });

  it('signing out mid-upload warns first, then aborts the upload on S3: no open multipart upload, no request after (#20)', async () => {
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
    await upload(p, [file('big.bin', randomBytes(30 * MiB))]);
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

  it('Alice uploads a 20 MiB photo and a text file: both are in her gallery and byte-exact in the bucket', async () => {
    alicePage = await page();
    await signIn(alicePage, alice);
    await upload(alicePage, [file('photo.bmp', photo), file('notes.txt', notes)]);
    await expect.poll(() => galleryItem(alicePage, 'photo.bmp').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => galleryItem(alicePage, 'notes.txt').count(), { timeout: 30_000 }).toBe(1);

    const keys = await keysOf(alice);
    expect(keys).toHaveLength(2);
    const photoKey = keys.find((k) => k.endsWith('/photo.bmp'))!;
    const notesKey = keys.find((k) => k.endsWith('/notes.txt'))!;
    expect((await bytesOf(photoKey)).equals(photo)).toBe(true);
    expect((await bytesOf(notesKey)).equals(notes)).toBe(true);

    // The thumbnail is the real picture, through a presigned GET the page signed.
    const thumb = galleryItem(alicePage, 'photo.bmp').locator('img');
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
      .toBe(2048);
    expect(await thumb.getAttribute('src')).toContain('X-Amz-Signature=');

    // The session panel shows the upload credential's scope: Alice's prefix only.
    const uploadCred = alicePage.locator('demo-session-panel .cred[data-scope=upload]');
    await expect
      .poll(() => uploadCred.locator('[data-testid=prefix]').textContent(), patient)
      .toBe(`users/${alice}/`);
    expect(await uploadCred.textContent()).toContain('s3:PutObject');
    expect(await uploadCred.locator('[data-testid=countdown]').textContent()).toMatch(/expires in \d+ min/);
    await alicePage.screenshot({ path: join(shots, '02-alice-gallery.png'), fullPage: true });
  });

  it('Alice creates a share link with a chosen expiry, and it opens the photo without signing in', async () => {
    await galleryItem(alicePage, 'photo.bmp').locator('[data-testid=share]').click();
    const dialog = alicePage.locator('demo-share-dialog dialog');
    await expect.poll(() => dialog.isVisible(), patient).toBe(true);
    // The limit is stated: presigned URLs die with the credentials that sign them.
    expect(await dialog.locator('[data-testid=share-bounds]').textContent()).toMatch(/at most|1 minute to/);
    await dialog.getByText('Custom').click();
    await dialog.locator('#amount').fill('1');
    await dialog.locator('[data-testid=create-link]').click();
    const link = dialog.locator('[data-testid=share-link]');
    await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toContain('/share#');
    shareUrl = await link.inputValue();
    shareExpiresAt = Date.parse(new URLSearchParams(new URL(shareUrl).hash.slice(1)).get('e')!);
    expect(shareExpiresAt - Date.now()).toBeGreaterThan(30_000);
    expect(shareExpiresAt - Date.now()).toBeLessThanOrEqual(61_000);
    await alicePage.screenshot({ path: join(shots, '03-share-dialog.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    const visitor = await page();
    await visitor.goto(shareUrl);
    const image = visitor.locator('[data-testid=shared-image]');
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 30_000 })
      .toBe(2048);
    expect(await visitor.locator('[data-testid=share-expiry]').textContent()).toMatch(/Link expires in/);
    await visitor.screenshot({ path: join(shots, '04-share-page.png') });
  });

  it("Bob sees only his own files, and Alice's key is refused with Bob's credentials", async () => {
    const bobPage = await page();
    await signIn(bobPage, bob);
    await upload(bobPage, [file('bob.txt', Buffer.from('bob was here'))]);
    await expect.poll(() => galleryItem(bobPage, 'bob.txt').count(), { timeout: 30_000 }).toBe(1);
    expect(await bobPage.locator('demo-gallery li[data-key]').count()).toBe(1);
    expect(await galleryItem(bobPage, 'photo.bmp').count()).toBe(0);
    await bobPage.screenshot({ path: join(shots, '05-bob-gallery.png'), fullPage: true });

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
    await alicePage.screenshot({ path: join(shots, '06-audit-panel.png'), fullPage: true });
    await alicePage.emulateMedia({ colorScheme: 'dark' });
    await alicePage.screenshot({ path: join(shots, '07-alice-dark.png'), fullPage: true });
    // Phone width: the same page reflows to one column.
    await alicePage.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(
        () => alicePage.locator('demo-gallery').evaluate((el) => el.getBoundingClientRect().width),
        patient,
      )
      .toBeLessThan(390);
    await alicePage.screenshot({ path: join(shots, '08-alice-phone.png'), fullPage: true });
    await alicePage.setViewportSize({ width: 1280, height: 900 });
  });

  it('the share link stops working once it expires', async () => {
    const wait = shareExpiresAt - Date.now() + 1500;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const direct = new URLSearchParams(new URL(shareUrl).hash.slice(1)).get('u')!;
    expect((await fetch(direct)).status).toBe(403);
    const visitor = await page();
    await visitor.goto(shareUrl);
    await expect
      .poll(() => visitor.locator('[data-testid=share-state]').textContent(), patient)
      .toMatch(/expired/);
    expect(await visitor.locator('[data-testid=shared-image]').count()).toBe(0);
    await visitor.screenshot({ path: join(shots, '09-share-expired.png') });
  }, 120_000);
});
