import '@s3up/element/define';
import type { S3Upload } from '@s3up/element';
import type { PageUploadResult } from './page-protocol.js';

// s3up as an app ships it: the <s3-upload> element (which lazy-loads @s3up/core's SDK
// code on the first upload), pointed at the token endpoint, the file picked through its
// own file input.
const element = document.createElement('s3-upload') as S3Upload;
element.endpoint = '/credentials';
document.body.append(element);
window.benchFileInput = 's3-upload input[type=file]';

window.benchUpload = ({ key, partSize, concurrency }) => {
  element.partSize = partSize;
  element.concurrency = concurrency;
  element.keyFor = () => key;
  let startedAt = 0;
  return new Promise<PageUploadResult>((resolve, reject) => {
    element.addEventListener('s3-files-added', () => {
      startedAt = performance.timeOrigin + performance.now();
    });
    element.addEventListener('s3-upload-progress', (event) => {
      window.benchProgress = event.detail.task.bytesUploaded;
    });
    element.addEventListener('s3-upload-succeeded', (event) => {
      resolve({
        startedAt,
        finishedAt: performance.timeOrigin + performance.now(),
        bytes: event.detail.task.size,
        key: event.detail.key,
      });
    });
    element.addEventListener('s3-upload-failed', (event) => {
      reject(new Error(`s3up failed: ${event.detail.error.code}: ${event.detail.error.message}`));
    });
    element.addEventListener('s3-files-rejected', (event) => {
      reject(new Error(`s3up refused the file: ${event.detail.rejected[0]?.message}`));
    });
  });
};
