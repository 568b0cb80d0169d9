import type { CredentialsSource } from './credentials-source.js';
import { isUploadError, UploadError } from './errors.js';
import type { ImageStep } from './image-step.js';
import type { ResolvedOptions } from './options.js';
import type { Entry, TaskHost } from './task-entry.js';
import { reportUpload } from './upload-receipt.js';

/** What one run of a task needs beside its entry. */
export interface RunSettings {
  options: ResolvedOptions;
  source: CredentialsSource;
  images: ImageStep;
}

/**
 * One run of a task, from its start (or resume) to a final state or a pause: the photo step,
 * the upload, the thumbnails, the receipt, then `upload-succeeded`; or, on an error that is
 * not a pause or cancel, the remote abort and `upload-failed`. Never throws.
 */
export async function runTask(
  host: TaskHost,
  settings: RunSettings,
  entry: Entry,
  controller: AbortController,
  firstStart: boolean,
): Promise<void> {
  const task = entry.upload.task;
  if (controller.signal.aborted) return;
  // The credentials request goes out first (issue 21, first byte): before the app's
  // `upload-started` handlers and the photo step run. The run's first request takes its
  // outcome, a failure included (it is the run's to report and retry), so no request is added.
  if (firstStart) settings.source.prefetch();
  if (firstStart) host.emit('upload-started', { task });
  try {
    if (!entry.prepared) await settings.images.prepare(host, entry, controller.signal);
    await entry.upload.run(controller.signal);
    if (controller.signal.aborted && task.state !== 'uploading') return;
    await settings.images.storeRenditions(entry, controller.signal);
    // The object is stored: a receipt that fails becomes a warning, never a failure.
    // Completed by another tab: that tab reports it, so the server hears of it once.
    try {
      if (!task.completedElsewhere)
        task.receipt = await reportUpload(
          settings.options.receipts,
          settings.options.credentials,
          settings.source,
          task.key!,
        );
    } catch (error) {
      task.warning ??= isUploadError(error)
        ? error
        : new UploadError('internal', String(error), { cause: error });
    }
    task.state = 'succeeded';
    entry.upload.release();
    host.emit('upload-succeeded', {
      task,
      key: task.key!,
      size: task.size,
      ...(task.checksum ? { checksum: task.checksum } : {}),
      ...(task.warning ? { warning: task.warning } : {}),
      ...(task.receipt ? { receipt: task.receipt } : {}),
      ...(task.image ? { image: task.image } : {}),
    });
  } catch (error) {
    if (controller.signal.aborted) {
      // Paused: nothing of this run is in flight now, so another tab may take the file's
      // stored upload over while this one waits for Resume (cancelled: reported by cancel()).
      if (task.state === 'paused') entry.upload.handOver();
      return;
    }
    // Anything else is a bug in the engine (or in a hook such as keyFor): say so, rather
    // than send the user to check a connection that is fine.
    const failure = isUploadError(error)
      ? error
      : new UploadError(
          'internal',
          `The upload of ${task.name} stopped on an unexpected error (a bug in the uploader, or in a hook such as keyFor; please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          { cause: error },
        );
    entry.upload.idle();
    // A failure is final for its multipart upload: run() has let the in-flight parts
    // settle, so abort it now, exactly once, rather than leave stored parts behind for a
    // lifecycle rule; retry() then starts a new one.
    await entry.upload.abortRemote();
    entry.upload.reset();
    // Another tab waiting for this file's stored upload may go on now.
    entry.upload.releaseTab();
    task.state = 'failed';
    task.error = failure;
    host.emit('upload-failed', { task, error: failure });
  } finally {
    if (entry.controller === controller) entry.controller = undefined;
  }
  host.schedule();
}
