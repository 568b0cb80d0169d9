// examples/nextjs, built with `next build` and served by `next start` as in production:
// the page is rendered on the server, hydrates without a warning or a duplicate
// definition, and a file picked in Chromium goes through the app's own token route
// (@s3up/token-server/next, the session cookie as the JWT) to the bucket, byte-exact.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ExampleApp,
  type ExampleBrowser,
  launchExampleBrowser,
  SESSION_COOKIE,
  startExampleApp,
  uploadThroughPage,
} from '@s3up/testkit/example-app';
import type {} from '@s3up/testkit/global-setup';
import { mintToken } from '@s3up/testkit/jwt';
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
    kind: 'next',
    local,
    tokenServer,
    // The route as configFromEnv makes it by default: upload only, as most apps run it. The
    // engine must then not ask for read-scope credentials after an upload (a 403, drawn in
    // red in the console); the answer's offeredScopes tells it not to (issue 20).
    env: { S3UP_SCOPES: 'upload' },
  });
  chromium = await launchExampleBrowser(tokenServer.jwt);
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await app?.close();
});

it('the server renders the page with <s3-upload> in it; the token route answers only a signed-in user', async () => {
  const html = await (await fetch(app.url)).text();
  expect(html).toContain('<h1>Your photos</h1>');
  expect(html).toMatch(/<s3-upload[^>]*><\/s3-upload>/);
  const anonymous = await fetch(`${app.url}/api/s3up/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url },
    body: '{}',
  });
  expect(anonymous.status).toBe(401);
  const token = await mintToken(tokenServer.jwt, `next-curl-${randomBytes(3).toString('hex')}`);
  const signedIn = await fetch(`${app.url}/api/s3up/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url, cookie: `${SESSION_COOKIE}=${token}` },
    body: '{}',
  });
  expect(signedIn.status).toBe(200);
  expect(signedIn.headers.get('cache-control')).toMatch(/no-store/);
  expect(((await signedIn.json()) as { offeredScopes: string[] }).offeredScopes).toEqual(['upload']);
  // What the engine's size check would have earned by asking: the 403 it must not draw.
  const read = await fetch(`${app.url}/api/s3up/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url, cookie: `${SESSION_COOKIE}=${token}` },
    body: '{"scope":"read"}',
  });
  expect(read.status).toBe(403);
});

it('hydrates cleanly, and a picked file is stored byte-exact through the app route; progress and success reach React state', async () => {
  const user = `next-example-${randomBytes(3).toString('hex')}`;
  const target = await chromium.page(app, user);
  const bytes = randomBytes(300_000);
  const { key, stored, progress } = await uploadThroughPage(target, app, {
    local,
    name: 'sunset.bin',
    bytes,
  });
  expect(key).toMatch(new RegExp(`^users/${user}/.+/sunset\\.bin$`));
  expect(stored.equals(bytes)).toBe(true);
  expect(progress).toEqual({ value: bytes.length, max: bytes.length });
  // No hydration warning, no "already defined", no failed request, no page error, and no
  // 403 from a read-scope request on this first upload to an upload-only server.
  // For review: the page at phone size in dark mode, as its users see it.
  await target.page.setViewportSize({ width: 390, height: 844 });
  await target.page.emulateMedia({ colorScheme: 'dark' });
  await target.page.screenshot({ path: join(shots, 'nextjs-phone-dark.png'), fullPage: true });
  expect(target.problems).toEqual([]);
});

it('the server build holds the element without its upload engine and no compiled AWS SDK; the browser build holds the engine', () => {
  // @s3up/element's "node" export condition (#code-chunks): the SSR layer of the client
  // component compiles none of the engine or the AWS SDK S3 client, which it never runs.
  const built = join(import.meta.dirname, '..', '..', '.next');
  const textOf = (dir: string) =>
    readdirSync(join(built, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(built, dir, file), 'utf8'))
      .join('\n');
  const server = textOf('server');
  const browser = textOf('static');
  // A message of the engine's Uploader (@s3up/core), and one of the element's server loaders.
  const engine = 'No upload task with id';
  const serverLoader = 'renders the element without the upload engine';
  expect(browser).toContain(engine);
  expect(server).not.toContain(engine);
  expect(server).toContain(serverLoader);
  expect(browser).not.toContain(serverLoader);
  // The token route's SDK clients are loaded by Node as installed (next.config.ts
  // serverExternalPackages), not compiled in: STS's protocol target name is not in the build.
  for (const client of ['client-s3', 'client-sts', 's3-request-presigner', 's3-presigned-post'])
    expect(server).toContain(`require("@aws-sdk/${client}")`);
  expect(server).not.toContain('AWSSecurityTokenServiceV20110615');
});
