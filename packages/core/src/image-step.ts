import type { ImageRunner } from './image/image-runner.js';
import type { ResolvedOptions } from './options.js';
import type { Entry, TaskHost } from './task-entry.js';

/**
 * The photo step around a task's upload, as the `images` option says: before the first
 * upload a photo loses its location, is resized or re-encoded and gets its thumbnails made;
 * after it is stored the thumbnails go up beside it. The processing code loads with the
 * first image only, and its Worker lives as long as the uploader.
 */
export class ImageStep {
  readonly #settings: ResolvedOptions['images'];
  #runner: Promise<ImageRunner> | undefined;

  constructor(settings: ResolvedOptions['images']) {
    this.#settings = settings;
  }

  /**
   * Before the first upload of a file. A photo that cannot be processed is uploaded as it
   * is, with a note in `task.image`; only a pause or cancel stops here.
   */
  async prepare(host: TaskHost, entry: Entry, signal: AbortSignal): Promise<void> {
    const settings = this.#settings;
    const task = entry.upload.task;
    if (!settings || !mayBeImage(task.file)) {
      entry.prepared = { renditions: [] };
      return;
    }
    task.preparing = true;
    host.emit('upload-progress', { task, overall: host.progress() });
    try {
      const { prepareImage } = await import('./image/image-preparation.js');
      const prepared = await prepareImage(task.file, task.name, settings, () => {
        this.#runner ??= import('./image/image-runner.js').then(
          ({ ImageRunner }) => new ImageRunner(settings.thread),
        );
        return this.#runner;
      });
      if (signal.aborted) throw signal.reason;
      entry.prepared = { renditions: prepared?.renditions ?? [] };
      if (prepared) {
        task.image = prepared.report;
        if (prepared.file !== task.file) {
          task.replaceFile(prepared.file);
          // The upload (its resume fingerprint, its size) is the prepared file's now.
          host.replaceUpload(entry);
        }
      }
    } finally {
      task.preparing = false;
    }
  }

  /**
   * Thumbnails go up after the photo is stored (never a thumbnail without its photo); one
   * that fails is a warning and a note, never a failure: the photo is stored.
   */
  async storeRenditions(entry: Entry, signal: AbortSignal): Promise<void> {
    const renditions = entry.prepared?.renditions ?? [];
    if (!entry.upload.task.image || renditions.length === 0) return;
    const { storeRenditions } = await import('./image/rendition-upload.js');
    const upload = entry.upload;
    await storeRenditions(upload.task, renditions, signal, (keyOf, body, type) =>
      upload.putBeside(keyOf, body, type, signal),
    );
  }

  /** Ends the image Worker, if one was started. */
  async dispose(): Promise<void> {
    (await this.#runner?.catch(() => undefined))?.dispose();
  }
}

/** Worth a look for the image step: an image type, or no type and a photo's extension. */
function mayBeImage(file: File): boolean {
  if (file.type !== '') return file.type.startsWith('image/');
  return /\.(?:jpe?g|png|webp|avif|heic|heif|bmp)$/i.test(file.name);
}
