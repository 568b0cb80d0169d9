import { type CredentialsResponse, parseCredentialsResponse } from '@s3up/contract';

/**
 * What the harness asks a contender's page to do: `benchUpload(options)` arms the page and
 * resolves when the upload is done; the harness then puts the file into the page's file
 * input (`window.benchFileInput`, default `#file`) the way a user picking a file would.
 */
export interface PageUploadOptions {
  /** Full object key, under users/bench/. */
  key: string;
  partSize: number;
  concurrency: number;
}

/** What a page reports back. Times are epoch milliseconds (performance.timeOrigin + now()), comparable with Node's. */
export interface PageUploadResult {
  /** When the file was added (the input's change event). */
  startedAt: number;
  finishedAt: number;
  bytes: number;
  key: string;
}

/** The contract's credentials answer; the local backend always names its endpoint. */
export type PageCredentials = CredentialsResponse & { endpoint: string };

declare global {
  interface Window {
    /** Set by each contender's page once its code has loaded. */
    benchUpload?: (options: PageUploadOptions) => Promise<PageUploadResult>;
    /** Bytes the contender reports as sent, for the resume benchmark's "reload at 50%". */
    benchProgress?: number;
    /** The input the harness gives the file to (it may be in a shadow root). Default `#file`. */
    benchFileInput?: () => HTMLInputElement | null | undefined;
    /** Uncaught errors of the page, for the harness's message when the page never gets ready. */
    benchErrors?: string[];
  }
}

export const epochNow = () => performance.timeOrigin + performance.now();

/** Resolves with the file and the moment it was added, when the user (the harness) picks one in `#file`. */
export function nextFile(): Promise<{ file: File; addedAt: number }> {
  const input = document.querySelector<HTMLInputElement>('#file');
  if (!input) throw new Error('the page has no #file input');
  return new Promise((resolve) => {
    input.addEventListener(
      'change',
      () => {
        const addedAt = epochNow();
        const file = input.files?.[0];
        // Cleared, as apps do, so picking the same file again is a change again.
        input.value = '';
        if (file) resolve({ file, addedAt });
      },
      { once: true },
    );
  });
}

let cached: Promise<PageCredentials> | null = null;

/**
 * The credentials, fetched once per page load and reused by later uploads in the same
 * page (as an app would keep its client), like s3up's engine caches them until expiry.
 */
export function fetchCredentials(): Promise<PageCredentials> {
  cached ??= fetch('/credentials', { method: 'POST' }).then(async (response) => {
    if (!response.ok) throw new Error(`/credentials answered ${response.status}`);
    // The contract's one parser, as s3up's engine uses it: every contender reads the same answer.
    const answer = parseCredentialsResponse(await response.json());
    if (!answer.endpoint)
      throw new Error('/credentials answered without "endpoint": the bench needs the local one');
    return { ...answer, endpoint: answer.endpoint };
  });
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
