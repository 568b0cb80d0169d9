// Case 10 in the browser: nothing <s3-upload> and the engine show, log, emit, submit or
// persist carries a secret (the user's JWT, a secret key, a session token), a SigV4
// signature or policy text. Real Chromium, the real token server and the real backend:
// an upload that succeeds, one paused with its resume record in IndexedDB, one refused by
// the token endpoint (an expired JWT), one whose key the engine refuses.

import type { S3Upload } from '@s3up/element';
import { mintToken } from '@s3up/testkit/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenServer } from './browser-support.js';
import { mountElement, rowStatus, seededFile } from './element-page.js';

const MiB = 1024 * 1024;
const secrets = new Map<string, string>();
const remember = (label: string, value: unknown) => {
  if (typeof value === 'string' && value.length >= 8) secrets.set(value, label);
};
const PATTERNS: [string, RegExp][] = [
  ['a JWT', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/],
  ['an AWS signature', /Signature=[0-9a-f]{64}/],
  ['policy text', /"?Statement"?\s*:|arn:aws:s3:::|"?Effect"?\s*:\s*"?Allow/],
  ['an XML error body from AWS', /<Error>|<ErrorResponse/],
];
function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const [value, label] of secrets) if (text.includes(value)) found.push(label);
  for (const [label, pattern] of PATTERNS) if (pattern.test(text)) found.push(label);
  return found;
}

// Everything the page printed, every event the element fired, with their error chains.
const consoleLines: string[] = [];
const eventReports: string[] = [];
const realFetch = window.fetch;
const realConsole = { ...console };

function describeValue(value: unknown, depth = 0, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== 'object') return String(value);
  if (seen.has(value) || depth > 4) return '';
  seen.add(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(`${value.name}: ${value.message}`, value.stack ?? '');
  for (const [name, inner] of Object.entries(value)) {
    parts.push(`${name}=${describeValue(inner, depth + 1, seen)}`);
  }
  if (value instanceof Error && value.cause) parts.push(describeValue(value.cause, depth + 1, seen));
  return parts.join('\n');
}

beforeAll(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]) => {
      consoleLines.push(args.map((a) => describeValue(a)).join(' '));
      realConsole[level](...args);
    };
  }
  // The engine looks fetch up at each request: every credentials answer passes through here.
  window.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (String(input instanceof Request ? input.url : input).endsWith('/credentials') && response.ok) {
      const json = (await response.clone().json()) as Record<string, unknown>;
      remember('a secretAccessKey handed to the page', json.secretAccessKey);
      remember('a sessionToken handed to the page', json.sessionToken);
    }
    return response;
  };
});
afterAll(() => {
  Object.assign(console, realConsole);
  window.fetch = realFetch;
});

function watch(el: S3Upload): void {
  for (const type of [
    's3-upload-succeeded',
    's3-upload-failed',
    's3-upload-paused',
    's3-upload-cancelled',
    's3-upload-progress',
  ]) {
    el.addEventListener(type, (e) =>
      eventReports.push(`${type}: ${describeValue((e as CustomEvent).detail)}`),
    );
  }
}

/** What a user or an assistive technology can read of the element: text and attributes. */
function rendered(el: S3Upload): string {
  const out: string[] = [el.shadowRoot!.textContent ?? ''];
  for (const node of el.shadowRoot!.querySelectorAll('*')) {
    for (const attribute of node.attributes) out.push(`${attribute.name}=${attribute.value}`);
  }
  return out.join('\n');
}

/** Every record of every store of every IndexedDB database of the page. */
async function indexedDbDump(): Promise<string> {
  const out: string[] = [];
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name!);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const store of db.objectStoreNames) {
      const records = await new Promise<unknown[]>((resolve, reject) => {
        const get = db.transaction(store).objectStore(store).getAll();
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      });
      out.push(`${name}/${store}: ${JSON.stringify(records)}`);
    }
    db.close();
  }
  return out.join('\n');
}

function storageDump(): string {
  const out: string[] = [];
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++)
      out.push(`${storage.key(i)}=${storage.getItem(storage.key(i)!)}`);
  }
  return out.join('\n');
}

const surfaces: { where: string; text: string }[] = [];

describe('case 10 in the browser: what the element shows, logs, emits, submits and stores', () => {
  it('a multipart upload that succeeds', async () => {
    const { el, token } = await mountElement({ 'part-size': String(5 * MiB) });
    remember("the user's JWT", token);
    watch(el);
    el.addFiles([seededFile('fine.bin', 6 * MiB)]);
    await expect.poll(() => rowStatus(el, 'fine.bin'), { timeout: 30_000 }).toBe('succeeded');
    surfaces.push({ where: 'element (succeeded)', text: rendered(el) });
    surfaces.push({ where: 'form value', text: JSON.stringify(el.value) });
    el.remove();
  });

  it('an upload paused mid-way, its resume record in IndexedDB', async () => {
    const { el, token } = await mountElement({ 'part-size': String(5 * MiB) });
    remember("the user's JWT", token);
    watch(el);
    el.addFiles([seededFile('paused.bin', 16 * MiB)]);
    const task = () => el.uploader?.tasks[0];
    await expect.poll(() => task()?.bytesUploaded ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
    // At once: with the default grace the parts in flight (all of this small file on loopback) finish and it is stored.
    (await el.whenUploaderReady()).pause(task()!.id, { now: true });
    await expect.poll(() => rowStatus(el, 'paused.bin'), { timeout: 30_000 }).toBe('paused');
    const stored = await indexedDbDump();
    // The record is there (so the scan below looks at something), with the key.
    expect(stored).toContain(JSON.stringify(task()!.key!).slice(1, -1));
    surfaces.push({ where: 'IndexedDB', text: stored });
    surfaces.push({ where: 'localStorage and sessionStorage', text: storageDump() });
    surfaces.push({ where: 'element (paused)', text: rendered(el) });
    await (await el.whenUploaderReady()).cancel(task()!.id);
    el.remove();
  });

  it('a refresh refused by the token endpoint (an expired JWT)', async () => {
    const { el, user } = await mountElement();
    watch(el);
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintToken(tokenServer.jwt, user, { issuedAt: now - 7200, expiresIn: now - 3600 });
    remember('an expired JWT', expired);
    el.credentialsRequest = (init) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${expired}` },
    });
    el.addFiles([seededFile('refused.bin', 4000)]);
    await expect.poll(() => rowStatus(el, 'refused.bin'), { timeout: 30_000 }).toBe('failed');
    expect((await el.whenUploaderReady()).tasks[0]!.error?.code).toBe('credentials');
    surfaces.push({ where: 'element (credentials refused)', text: rendered(el) });
    el.remove();
  });

  it('a key the engine refuses (outside the prefix)', async () => {
    const { el, token } = await mountElement();
    remember("the user's JWT", token);
    watch(el);
    el.keyFor = () => 'users/somebody-else/x.bin';
    el.addFiles([seededFile('elsewhere.bin', 4000)]);
    await expect.poll(() => rowStatus(el, 'elsewhere.bin'), { timeout: 30_000 }).toBe('failed');
    expect((await el.whenUploaderReady()).tasks[0]!.error?.code).toBe('invalid-key');
    surfaces.push({ where: 'element (invalid key)', text: rendered(el) });
    el.remove();
  });

  it('none of it carries a secret, a JWT, a signature or policy text', () => {
    // The scan had something to find: the secrets handed out, and the failures reported.
    expect([...secrets.values()]).toEqual(
      expect.arrayContaining(["the user's JWT", 'an expired JWT', 'a sessionToken handed to the page']),
    );
    expect(eventReports.some((r) => r.includes('credentials'))).toBe(true);
    expect(eventReports.some((r) => r.includes('invalid-key'))).toBe(true);
    surfaces.push({ where: 'console', text: consoleLines.join('\n') });
    surfaces.push({ where: 'events', text: eventReports.join('\n') });
    const leaks = surfaces
      .map(({ where, text }) => ({ where, what: leaksIn(text) }))
      .filter(({ what }) => what.length > 0);
    expect(leaks).toEqual([]);
  });
});
