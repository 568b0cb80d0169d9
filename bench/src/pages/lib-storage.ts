import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { epochNow, fetchCredentials, nextFile } from './page-protocol.js';

// @aws-sdk/lib-storage as its README shows it, with the same temporary credentials
// (through a provider, so they could refresh) and the settings the local backend needs.
window.benchUpload = async ({ key, partSize, concurrency }) => {
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
  upload.on('httpUploadProgress', (progress) => {
    window.benchProgress = progress.loaded ?? 0;
  });
  await upload.done();
  return { startedAt, finishedAt: epochNow(), bytes: file.size, key };
};
