import type { OverallProgress, UploadTask } from './task.js';

/**
 * Bytes, speed and time left summed over `tasks`, skipping cancelled ones (their bytes will
 * never be stored). The one place overall progress is derived: `Uploader.progress` and the
 * element's summary line (whose list can span engines) both call it.
 */
export function overallProgress(tasks: Iterable<UploadTask>): OverallProgress {
  let bytesUploaded = 0;
  let totalBytes = 0;
  let speed = 0;
  for (const task of tasks) {
    if (task.state === 'cancelled') continue;
    bytesUploaded += task.bytesUploaded;
    totalBytes += task.size;
    speed += task.speed;
  }
  const eta = speed > 0 ? (totalBytes - bytesUploaded) / speed : null;
  return { bytesUploaded, totalBytes, speed, eta };
}
