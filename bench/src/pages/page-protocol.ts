/** What the harness asks a contender's page to do. The file is already in `<input id="file">`. */
export interface PageUploadOptions {
  /** Full object key, under users/bench/. */
  key: string;
  partSize: number;
  concurrency: number;
}

/** What a page reports back. Times are epoch milliseconds (performance.timeOrigin + now()), comparable with Node's. */
export interface PageUploadResult {
  startedAt: number;
  finishedAt: number;
  bytes: number;
  key: string;
}

/** The contract's credentials answer, as far as the pages need it. */
export interface PageCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  bucket: string;
  region: string;
  endpoint: string;
}

declare global {
  interface Window {
    /** Set by each contender's page once its code has loaded. */
    benchUpload?: (options: PageUploadOptions) => Promise<PageUploadResult>;
    /** Bytes the contender reports as sent, for the resume benchmark's "reload at 50%". */
    benchProgress?: number;
  }
}

export const epochNow = () => performance.timeOrigin + performance.now();

export function selectedFile(): File {
  const file = document.querySelector<HTMLInputElement>('#file')?.files?.[0];
  if (!file) throw new Error('no file in #file: the harness must call setInputFiles first');
  return file;
}

/** One credentials request per upload, like every contender does with a token server. */
export async function fetchCredentials(): Promise<PageCredentials> {
  const response = await fetch('/credentials', { method: 'POST' });
  if (!response.ok) throw new Error(`/credentials answered ${response.status}`);
  return (await response.json()) as PageCredentials;
}
