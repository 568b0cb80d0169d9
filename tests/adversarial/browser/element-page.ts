// <s3-upload> mounted as an app mounts it, through the package's public entry points (the
// element's own test fixture belongs to its package), for the cases that attack the element.

import '@s3up/element/define';
import type { S3Upload } from '@s3up/element';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import { jwtFor, tokenServer } from './browser-support.js';

/**
 * `<s3-upload>` in the page with `attributes`, its endpoint the run's token server, signed
 * in as a new user the way an app does it (`credentialsRequest` adds the bearer token).
 */
export async function mountElement(
  attributes: Record<string, string> = {},
): Promise<{ el: S3Upload; user: string; token: string }> {
  const user = `el-${crypto.randomUUID().slice(0, 8)}`;
  const token = await jwtFor(user);
  const el = document.createElement('s3-upload');
  el.endpoint = `${tokenServer.url}/credentials`;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.credentialsRequest = (init) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  // As an app logs failures: the console is one of the surfaces the leak test scans.
  el.addEventListener('s3-upload-failed', (e) =>
    console.warn(`upload of ${e.detail.task.name} failed: ${e.detail.error.code}: ${e.detail.error.message}`),
  );
  document.body.append(el);
  await el.updateComplete;
  return { el, user, token };
}

/** A file of known bytes. */
export function seededFile(name: string, size: number): File {
  return new File([seededBytes(size, size)], name, { type: 'application/octet-stream' });
}

/** The status a file's row shows (its `item` part's `data-status`). */
export function rowStatus(el: S3Upload, name: string): string | undefined {
  const row = [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part~="item"]') ?? [])].find(
    (r) => r.querySelector('[part="name"]')?.textContent === name,
  );
  return row?.dataset.status;
}
