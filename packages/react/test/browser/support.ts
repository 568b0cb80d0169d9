// What the @s3up/react browser tests share: a token for a fresh user of the run's token
// server, files with known bytes, the object's bytes read back, and the element's rows.
import type { S3Upload as S3UploadElement } from '@s3up/element';
import { mintToken } from '@s3up/testkit/jwt';
import type {} from '@s3up/testkit/provided-token-server';
import { readBack as readObject } from '@s3up/testkit/read-back';
import { seededBytes } from '@s3up/testkit/seeded-bytes';
import { inject } from 'vitest';

export const tokenServer = inject('tokenServer');
export const endpoint = `${tokenServer.url}/credentials`;

export async function signIn(
  label: string,
): Promise<{ user: string; token: string; auth: (init: RequestInit) => RequestInit }> {
  const user = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const token = await mintToken(tokenServer.jwt, user, { expiresIn: '10m' });
  const auth = (init: RequestInit): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
  });
  return { user, token, auth };
}

export function file(name: string, size: number, seed = size): File {
  return new File([seededBytes(size, seed)], name, { type: 'application/octet-stream' });
}

/** The object's bytes through a presigned GET from the token server. */
export function readBack(key: string, token: string): Promise<Uint8Array> {
  return readObject(tokenServer.url, token, key);
}

/** SHA-256, hex: compare digests so a mismatch does not print megabytes. */
export async function digest(data: Blob | Uint8Array): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : (data.slice().buffer as ArrayBuffer);
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** Picks files through the element's own file input, as the user's picker does. */
export function pick(el: S3UploadElement, files: File[]): void {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
  const transfer = new DataTransfer();
  for (const f of files) transfer.items.add(f);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

export function rowOf(el: S3UploadElement, name: string): HTMLElement {
  const rows = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
  const row = rows.find((r) => r.querySelector('[part="name"]')?.textContent === name);
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

export function rowButton(el: S3UploadElement, name: string, kind: string): HTMLButtonElement {
  const found = rowOf(el, name).querySelector<HTMLButtonElement>(`[part~="${kind}-button"]`);
  if (!found) throw new Error(`no ${kind} button in the row of ${name}`);
  return found;
}

export function rowNames(el: S3UploadElement): string[] {
  return [...el.shadowRoot!.querySelectorAll('[part~="item"] [part="name"]')].map((n) => n.textContent ?? '');
}
