// What every browser test of <s3-upload> needs: a mounted element wired to the run's real
// token server (JWT minted here with jose), files with known bytes, reading objects back
// from the bucket, the axe audit and screenshots.

import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { readBack as readObject } from '@s3up/testkit/read-back';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import axe from 'axe-core';
import { inject } from 'vitest';
import { page } from 'vitest/browser';
import '../../src/define.js';
import type { S3Upload } from '../../src/index.js';

export const tokenServer = inject('tokenServer');

/** An HS256 token for `userId`, signed like the app's identity provider would. */
export function jwtFor(userId: string): Promise<string> {
  return mintToken(tokenServer.jwt, userId, { expiresIn: '10m' });
}

/** A user id of its own per test, so keys never collide between tests or runs. */
export function newUser(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface Mounted {
  el: S3Upload;
  user: string;
  token: string;
}

/** Mounts `<s3-upload>` with `attributes`, signed in as a fresh user, into `parent`. */
export async function mount(
  attributes: Record<string, string | boolean> = {},
  parent: HTMLElement = document.body,
): Promise<Mounted> {
  const user = newUser('el');
  const token = await jwtFor(user);
  const el = document.createElement('s3-upload');
  el.setAttribute('endpoint', `${tokenServer.url}/credentials`);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : value);
  }
  el.credentialsRequest = (init) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  // A failed upload's cause belongs in the log of a failing test.
  el.addEventListener('s3-upload-failed', (e) =>
    console.warn(`upload of ${e.detail.task.name} failed: ${e.detail.error.code}: ${e.detail.error.message}`),
  );
  parent.append(el);
  await el.updateComplete;
  return { el, user, token };
}

/** Deterministic pseudo-random bytes: a mismatch in the bucket shows as different bytes. */
export const bytes = seededBytes;

export function file(name: string, size: number, type = 'application/octet-stream', seed = size): File {
  return new File([bytes(size, seed)], name, { type, lastModified: 1_700_000_000_000 + seed });
}

/** A tiny valid PNG, so thumbnails really decode. */
export function png(name: string): File {
  const data = Uint8Array.from(
    atob(
      'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAFklEQVR4nGP4z8DwHwyhDAYGBgYGAKFLC/Xe+XPbAAAAAElFTkSuQmCC',
    ),
    (c) => c.charCodeAt(0),
  );
  return new File([data], name, { type: 'image/png', lastModified: 1_700_000_000_000 });
}

/** The object's bytes, read back through a presigned GET from the token server. */
export function readBack(key: string, token: string): Promise<Uint8Array<ArrayBuffer>> {
  return readObject(tokenServer.url, token, key);
}

/**
 * SHA-256 of bytes, hex: compare digests, not arrays, because a failing deep-equal of
 * megabytes makes the reporter print megabytes.
 */
export async function digest(data: Blob | Uint8Array<ArrayBuffer>): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Shadow-DOM query helpers: tests act like users, on what the element shows. */
export function $(el: S3Upload, selector: string): HTMLElement {
  const found = el.shadowRoot!.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`<s3-upload> shows no ${selector}`);
  return found;
}

export function $$(el: S3Upload, selector: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
}

export function rows(el: S3Upload): HTMLElement[] {
  return $$(el, '[part~="item"]');
}

export function rowOf(el: S3Upload, name: string): HTMLElement {
  const row = rows(el).find((r) => r.querySelector('[part="name"]')?.textContent === name);
  if (!row) throw new Error(`no row for ${name}; rows: ${rows(el).map((r) => r.textContent?.trim())}`);
  return row;
}

export function statusOfRow(el: S3Upload, name: string): string | undefined {
  return rowOf(el, name).dataset.status;
}

/** axe-core's WCAG 2.2 A/AA audit of the element (shadow DOM included). */
export async function audit(el: Element): Promise<string[]> {
  const result = await axe.run(el, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    rules: { region: { enabled: false } },
  });
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Writes a screenshot of `el` under test-output/element/ for review. */
export async function screenshot(el: Element, name: string): Promise<void> {
  await page.screenshot({ element: el, path: `../../../../test-output/element/${name}.png` });
}

/**
 * Drops on the drop zone the way a browser does: dragenter, dragover, drop, each a
 * DragEvent. `items` replaces the DataTransfer's items when the test needs entries script
 * cannot create (folders).
 */
export function drop(el: S3Upload, dataTransfer: DataTransfer, items?: readonly object[]): void {
  const zone = $(el, '[part="dropzone"]');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    const event = new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true, composed: true });
    if (items) {
      const view = new Proxy(dataTransfer, {
        get: (target, prop) => (prop === 'items' ? items : Reflect.get(target, prop, target)),
        set: (target, prop, value) => Reflect.set(target, prop, value, target),
      });
      Object.defineProperty(event, 'dataTransfer', { value: view });
    }
    zone.dispatchEvent(event);
  }
}
