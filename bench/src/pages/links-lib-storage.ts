import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { resumeClock } from './links-protocol.js';
import { epochNow, fetchCredentials, nextFile, type PageUploadResult } from './page-protocol.js';

// @aws-sdk/lib-storage for the links benchmark. It has no pause and no resume of an
// existing upload (aws-sdk-js-v3#3509, #6832): "pause" aborts it, "resume" starts it again,
// and after a reload the re-picked file starts over. Progress comes per finished part (#2206).
const clock = resumeClock();
let active: Upload | undefined;
let restart: (() => void) | undefined;

window.benchUpload = async ({ key, partSize, concurrency }): Promise<PageUploadResult> => {
  const { file, addedAt: startedAt } = await nextFile();
  const credentials = await fetchCredentials();
  const client = new S3Client({
    region: credentials.region,
    endpoint: credentials.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: async () => ({ ...credentials, expiration: new Date(credentials.expiration) }),
  });
  return new Promise((resolve, reject) => {
    const start = () => {
      const upload = new Upload({
        client,
        params: {
          Bucket: credentials.bucket,
          Key: key,
          Body: file,
          ContentType: file.type || 'application/octet-stream',
        },
        partSize,
        queueSize: concurrency,
      });
      active = upload;
      restart = start;
      upload.on('httpUploadProgress', (progress) => {
        window.benchProgress = progress.loaded ?? 0;
        clock.progressed();
      });
      upload.done().then(
        () => resolve({ startedAt, finishedAt: epochNow(), bytes: file.size, key }),
        (error: unknown) => {
          // Aborted by benchPause: a new Upload follows on benchResume.
          if (active !== upload) return;
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    };
    start();
  });
};

window.benchPause = async () => {
  const paused = active;
  active = undefined;
  await paused?.abort().catch(() => {});
};

window.benchResume = () => {
  clock.resumed();
  restart?.();
};
