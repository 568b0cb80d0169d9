import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import { createPresigner } from './browser-presigner.js';
import { epochNow, fetchCredentials, nextFile } from './page-protocol.js';

// Uppy 6 + @uppy/aws-s3 with temporary credentials, each request signed in the browser
// like s3up and lib-storage do. Its getCredentials mode cannot sign UploadPart for RGW's
// upload IDs (see browser-presigner.ts), so the same credentials go through its
// signRequest mode with a presigner that encodes `~` as SigV4 requires.
window.benchUpload = async ({ key, partSize, concurrency }) => {
  const { file, addedAt: startedAt } = await nextFile();
  const credentials = await fetchCredentials();
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    signRequest: createPresigner(credentials),
    shouldUseMultipart: true,
    getChunkSize: () => partSize,
    // Uppy's limit is files in parallel; each file's parts go one at a time (uppy#6547).
    limit: concurrency,
    generateObjectKey: () => key,
  });
  uppy.on('upload-progress', (_file, progress) => {
    window.benchProgress = progress.bytesUploaded;
  });
  uppy.addFile({ name: file.name, type: file.type, data: file, source: 'Local' });
  const result = await uppy.upload();
  if (!result || result.failed?.length)
    throw new Error(`Uppy failed: ${String(result?.failed?.[0]?.error ?? 'no result')}`);
  uppy.destroy();
  return { startedAt, finishedAt: epochNow(), bytes: file.size, key };
};
