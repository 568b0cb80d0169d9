import '@s3up/element/define';
import type { S3Upload } from '@s3up/element';
import { resumeClock } from './links-protocol.js';
import { epochNow, type PageUploadResult } from './page-protocol.js';

// s3up for the links benchmark: the <s3-upload> element as an app ships it, paused and
// resumed through its engine (element.uploader), the file re-picked in its input after a
// reload (the engine continues the upload from its IndexedDB record).
const element = document.createElement('s3-upload') as S3Upload;
element.endpoint = '/credentials';
document.body.append(element);
window.benchFileInput = () => element.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');
const clock = resumeClock();
let taskId: string | undefined;

window.benchUpload = ({ key, partSize, concurrency }) => {
  element.partSize = partSize;
  element.concurrency = concurrency;
  element.keyFor = () => key;
  let startedAt = 0;
  return new Promise<PageUploadResult>((resolve, reject) => {
    element.addEventListener('s3-files-added', () => {
      startedAt = epochNow();
    });
    element.addEventListener('s3-upload-started', (event) => {
      taskId = event.detail.task.id;
    });
    element.addEventListener('s3-upload-progress', (event) => {
      taskId = event.detail.task.id;
      window.benchProgress = event.detail.task.bytesUploaded;
      clock.progressed();
    });
    element.addEventListener('s3-upload-succeeded', (event) => {
      resolve({ startedAt, finishedAt: epochNow(), bytes: event.detail.task.size, key: event.detail.key });
    });
    element.addEventListener('s3-upload-failed', (event) => {
      reject(new Error(`s3up failed: ${event.detail.error.code}: ${event.detail.error.message}`));
    });
  });
};

window.benchPause = () =>
  new Promise<void>((resolve) => {
    // The upload has started, so the engine has loaded.
    const uploader = element.uploader!;
    // A pause keeps the parts about to finish; it ends paused, or done when they were the last.
    uploader.addEventListener('upload-paused', () => resolve(), { once: true });
    uploader.addEventListener('upload-succeeded', () => resolve(), { once: true });
    uploader.pause(taskId!);
  });

window.benchResume = () => {
  clock.resumed();
  element.uploader!.resume(taskId!);
};
