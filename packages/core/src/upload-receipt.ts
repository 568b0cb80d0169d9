import type { CredentialsSource } from './credentials-source.js';
import { UploadError } from './errors.js';
import type { CredentialsOptions } from './options.js';

/** What the token server confirmed from the bucket for a reported upload (`POST /uploads`). */
export interface UploadReceipt {
  key: string;
  size: number;
  contentType?: string;
  etag: string;
  lastModified?: string;
  /** What the host app's `onUploaded` hook answered (e.g. the new database row's id). */
  app?: unknown;
}

/**
 * Upload receipts: `true` (default) reports each success to the token server's
 * `POST /uploads` when its `/credentials` answer offers it (`receipts: true`), so the
 * backend learns what was stored without trusting the browser; `false` never does;
 * `{ url }` names the endpoint (default: `uploads` next to the credentials URL).
 */
export type ReceiptsOption = boolean | { url: string | URL };

/**
 * Reports `key` after a success. Returns the receipt, or undefined when receipts are off or
 * not offered. A failure is thrown as an UploadError, which the uploader turns into a
 * `warning` on the succeeded task: the object is stored whatever the receipt says.
 */
export async function reportUpload(
  option: ReceiptsOption,
  credentials: CredentialsOptions,
  source: CredentialsSource,
  key: string,
): Promise<UploadReceipt | undefined> {
  if (option === false || source.current?.response.receipts !== true) return undefined;
  const url = receiptsUrl(option, credentials.url);
  const fetcher = credentials.fetch ?? globalThis.fetch.bind(globalThis);
  let init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ key }),
    cache: 'no-store',
  };
  // The app's hook adds its auth (headers, cookies); the body stays the receipt's own.
  if (credentials.request) init = { ...(await credentials.request(init)), body: init.body };
  let response: Response;
  try {
    response = await fetcher(url, init);
  } catch (cause) {
    throw new UploadError(
      'network',
      `The upload of ${key} is stored, but reporting it to ${url} failed on the network.`,
      {
        cause,
      },
    );
  }
  if (!response.ok) {
    throw new UploadError(
      response.status >= 500 || response.status === 429 ? 'server' : 'request',
      `The upload of ${key} is stored, but ${url} refused its receipt (${response.status}).`,
      { status: response.status },
    );
  }
  return (await response.json()) as UploadReceipt;
}

function receiptsUrl(option: ReceiptsOption, credentialsUrl: string | URL): string {
  if (typeof option === 'object') return typeof option.url === 'string' ? option.url : option.url.href;
  const base = typeof credentialsUrl === 'string' ? credentialsUrl : credentialsUrl.href;
  // `uploads` beside `credentials`: /s3up/credentials → /s3up/uploads, whatever the origin.
  return base.replace(/credentials(?=[?#]|$)/, 'uploads');
}
