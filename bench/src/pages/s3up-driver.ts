import type { S3Upload } from '@s3up/element';
import type { PageUploadResult } from './page-protocol.js';

// Drives an <s3-upload> the page's own code defined (nothing of @s3up is imported here at
// run time), so the same driver serves the throughput page (pages/s3up.ts) and the bundle
// benchmark's page, where only the element's own chunks are counted.
export function driveElement(): void {
  const element = document.createElement('s3-upload') as S3Upload;
  // `?checksums=on` in the page's URL: the credentials answer turns per-part CRCs on.
  element.endpoint =
    new URLSearchParams(location.search).get('checksums') === 'on'
      ? '/credentials?checksums=WHEN_SUPPORTED'
      : '/credentials';
  // `?flight=off`: the engine's flight controller off (flightTime 0: always `concurrency`
  // parts, the admission before issue 20), for the throughput A/B.
  if (new URLSearchParams(location.search).get('flight') === 'off') element.flightTime = 0;
  document.body.append(element);
  window.benchFileInput = () => element.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');

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
}
