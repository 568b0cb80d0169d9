import { RENDITION_CONTENT_TYPES, renditionKey } from '@s3up/contract';
import { isUploadError, UploadError } from '../errors.js';
import type { TaskModel } from '../task-model.js';
import { imageNote } from './image-notes.js';
import type { PreparedRendition } from './image-preparation.js';

/** PutObject beside the task's object: `keyOf(prefix, originalKey)` names it; resolves to the key. */
export type PutBeside = (
  keyOf: (prefix: string, key: string) => string,
  body: Blob,
  contentType: string,
) => Promise<string>;

/**
 * Uploads a photo's thumbnails, once it is stored, under `renditionKey` of @s3up/contract
 * and records each in `task.image.renditions`. One that fails becomes `task.warning` and a
 * note: the photo itself is stored, so it never fails for a thumbnail. A pause or cancel
 * passes through (the next run uploads what is missing).
 */
export async function storeRenditions(
  task: TaskModel,
  renditions: readonly PreparedRendition[],
  signal: AbortSignal,
  put: PutBeside,
): Promise<void> {
  const report = task.image!;
  const stored = new Set(report.renditions.map((r) => `${r.width}/${r.format}`));
  for (const rendition of renditions) {
    if (stored.has(`${rendition.width}/${rendition.format}`)) continue;
    try {
      const key = await put(
        (prefix, key) =>
          renditionKey(key, { prefix, width: rendition.requestedWidth, format: rendition.format }),
        rendition.blob,
        RENDITION_CONTENT_TYPES[rendition.format],
      );
      stored.add(`${rendition.width}/${rendition.format}`);
      report.renditions.push({
        key,
        width: rendition.width,
        height: rendition.height,
        format: rendition.format,
        size: rendition.blob.size,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const failure = isUploadError(error)
        ? error
        : new UploadError(
            'invalid-key',
            `The ${rendition.requestedWidth} px thumbnail has no valid key: ${String(error)}`,
            {
              cause: error,
            },
          );
      task.warning ??= failure;
      report.notes.push(
        imageNote({
          code: 'thumbnail-not-stored',
          width: rendition.requestedWidth,
          error: failure.code,
          detail: failure.message,
        }),
      );
    }
  }
}
