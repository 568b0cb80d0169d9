import type { OverallProgress, UploadTask } from './task.js';

/**
 * Bytes, speed and time left summed over `tasks`, skipping cancelled ones (their bytes will
 * never be stored). The one place overall progress is derived: `Uploader.progress` and the
 * element's summary line (whose list can span engines) both call it. A task that is
 * reconnecting adds no speed: its last measured rate is not moving any bytes now, and a
 * speed and time left drawn from it would say the upload is nearly done while it waits.
 */
export function overallProgress(tasks: Iterable<UploadTask>): OverallProgress {
  let bytesUploaded = 0;
  let totalBytes = 0;
  let speed = 0;
  for (const task of tasks) {
    if (task.state === 'cancelled') continue;
    bytesUploaded += task.bytesUploaded;
    totalBytes += task.size;
    if (!task.reconnecting) speed += task.speed;
  }
  const eta = speed > 0 ? (totalBytes - bytesUploaded) / speed : null;
  return { bytesUploaded, totalBytes, speed, eta };
}
