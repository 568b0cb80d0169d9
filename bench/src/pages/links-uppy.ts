import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import GoldenRetriever from '@uppy/golden-retriever';
import { createPresigner } from './browser-presigner.js';
import { resumeClock } from './links-protocol.js';
import { epochNow, fetchCredentials, nextFile, type PageUploadResult } from './page-protocol.js';

// Uppy 6 + @uppy/aws-s3 for the links benchmark, with Golden Retriever, Uppy's way to
// survive a reload: it keeps the files' state (and their multipart UploadId) in the
// browser's storage, and the contents of files up to its size limit; a larger file comes
// back as a "ghost" that the user's picking it again brings back to life.
const clock = resumeClock();
const uppy = new Uppy({ id: 'bench-links', autoProceed: false });
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
  uppy.use(GoldenRetriever, { serviceWorker: false });
  uppy.on('upload-progress', (_file, progress) => {
    window.benchProgress = progress.bytesUploaded ?? 0;
    clock.progressed();
  });
}

window.benchUpload = async ({ key, partSize, concurrency }): Promise<PageUploadResult> => {
  await configure(partSize, concurrency, key);
  const { file, addedAt: startedAt } = await nextFile();
  try {
    uppy.addFile({ name: file.name, type: file.type, data: file, source: 'Local' });
  } catch {
    // The same file restored by Golden Retriever with its contents: it is already there.
  }
  const result = await uppy.upload();
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
