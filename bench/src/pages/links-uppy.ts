import AwsS3 from '@uppy/aws-s3';
import Uppy, { type UploadResult } from '@uppy/core';
import GoldenRetriever from '@uppy/golden-retriever';
import { createPresigner } from './browser-presigner.js';
import { resumeClock } from './links-protocol.js';
import { epochNow, fetchCredentials, nextFile, type PageUploadResult } from './page-protocol.js';

// Uppy 6 + @uppy/aws-s3 for the links benchmark, with Golden Retriever, Uppy's way to
// survive a reload: it keeps the files' state (and their multipart UploadId, file.s3Multipart)
// in IndexedDB, and the contents of files up to 10 MiB; a larger file comes back as a
// "ghost" that the user's picking it again brings back to life. The page does what Uppy's
// Dashboard does for its user: after a reload it waits for Golden Retriever's restore, takes
// the re-picked file (which revives the ghost), and confirms the restore ('restore-confirmed',
// the Dashboard's Resume button), which resumes the restored upload from its parts.
const clock = resumeClock();
const uppy = new Uppy({ id: 'bench-links', autoProceed: false });
// Installed at page load, as an app does: its restore starts now, from IndexedDB.
uppy.use(GoldenRetriever, { serviceWorker: false });
// Golden Retriever emits 'restored' only when it found something; this page knows from its
// own session flag whether an upload ran before the reload, and then waits for it.
const STARTED = 'bench-links-uppy-started';
const restored = new Promise<void>((resolve) => uppy.once('restored', () => resolve()));
let configured = false;

async function configure(partSize: number, concurrency: number, key: string): Promise<void> {
  if (configured) return;
  configured = true;
  const credentials = await fetchCredentials();
  uppy.use(AwsS3, {
    signRequest: createPresigner(credentials),
    shouldUseMultipart: true,
    getChunkSize: () => partSize,
    limit: concurrency,
    generateObjectKey: () => key,
  });
  uppy.on('upload-progress', (_file, progress) => {
    window.benchProgress = progress.bytesUploaded ?? 0;
    clock.progressed();
  });
}

function completed(): Promise<UploadResult<Record<string, unknown>, Record<string, never>>> {
  return new Promise((resolve) => uppy.once('complete', (result) => resolve(result)));
}

window.benchUpload = async ({ key, partSize, concurrency }): Promise<PageUploadResult> => {
  // Listen for the file before anything async: the harness picks it right after arming the
  // page, and a listener added after configure()'s credentials fetch missed the change event
  // (every Uppy round of the first runs "never reached 50%": the harness's bug, not Uppy's).
  const picked = nextFile();
  const reloaded = sessionStorage.getItem(STARTED) !== null;
  if (reloaded) {
    await Promise.race([restored, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await configure(partSize, concurrency, key);
  const { file, addedAt: startedAt } = await picked;
  sessionStorage.setItem(STARTED, key);
  // A restored ghost of the same file is revived by this (Uppy replaces its data).
  uppy.addFile({ name: file.name, type: file.type, data: file, source: 'Local' });
  const restoredUploads = Object.keys(uppy.getState().currentUploads);
  let result: UploadResult<Record<string, unknown>, Record<string, never>> | undefined;
  if (reloaded && restoredUploads.length > 0) {
    const done = completed();
    uppy.emit('restore-confirmed');
    result = await done;
  } else {
    result = await uppy.upload();
  }
  if (!result || result.failed?.length)
    throw new Error(`Uppy failed: ${String(result?.failed?.[0]?.error ?? 'no result')}`);
  return { startedAt, finishedAt: epochNow(), bytes: file.size, key };
};

window.benchPause = async () => {
  uppy.pauseAll();
};

window.benchResume = () => {
  clock.resumed();
  uppy.resumeAll();
};
