import type { Uploader, UploaderEvent } from '@s3up/core';
import type { Announcement } from './announcer.js';
import type { S3UploadEventDetails, S3UploadEventType } from './events.js';
import type { Messages } from './messages/catalog.js';
import { errorText } from './messages/texts.js';
import type { UploadRows } from './upload-rows.js';

/** What the translation of an engine event reaches in the upload controller. */
export interface EngineEventContext {
  rows: UploadRows;
  /** The element is handing a file to the engine itself: its `file-added` is not a new row. */
  adopting: boolean;
  /** The element's value (the stored keys). */
  keys(): string[];
  messages(): Messages;
  announce(news: Announcement): void;
  dispatch<K extends S3UploadEventType>(type: K, detail: S3UploadEventDetails[K]): void;
  /** A file was stored: the value changed (through an upload, so `s3-change` fires). */
  valueChanged(): void;
  /** Redraw on the next frame; for progress alone, at most every 250 ms. */
  render(): void;
  progressRender(): void;
}

/**
 * One engine event as the element's own (`s3-upload-*`, `s3-all-done`), the row's change
 * (pause reason, version), the live region's news and a redraw. Files an app adds through
 * `element.uploader` directly are listed here too.
 */
export function translateEngineEvent(
  ctx: EngineEventContext,
  uploader: Uploader,
  event: UploaderEvent,
): void {
  if (event.type === 'all-done') {
    const detail = (event as UploaderEvent<'all-done'>).detail;
    ctx.announce({ kind: 'all-done' });
    ctx.dispatch('s3-all-done', {
      keys: ctx.keys(),
      failed: detail.failed.length,
      cancelled: detail.cancelled.length,
    });
    ctx.render();
    return;
  }
  const { task } = (event as UploaderEvent<'upload-started'>).detail;
  const entry = ctx.rows.get(task.id);
  if (!entry) {
    // A row the user already removed, or a file the element is handing over itself.
    if (event.type !== 'file-added' || ctx.adopting) return;
    // Also lists files an app adds through element.uploader directly.
    ctx.rows.addTask(uploader, task);
    ctx.render();
    return;
  }
  entry.version += 1;
  switch (event.type) {
    case 'upload-started':
      ctx.dispatch('s3-upload-started', { task });
      break;
    case 'upload-progress':
      ctx.dispatch('s3-upload-progress', { task });
      ctx.progressRender();
      return;
    case 'upload-pausing':
      break;
    case 'upload-paused':
      entry.pausedBy = (event as UploaderEvent<'upload-paused'>).detail.reason;
      ctx.dispatch('s3-upload-paused', {
        task,
        reason: (event as UploaderEvent<'upload-paused'>).detail.reason,
      });
      break;
    case 'upload-resumed':
      entry.pausedBy = undefined;
      ctx.dispatch('s3-upload-resumed', { task });
      break;
    case 'upload-succeeded': {
      const { key, receipt, image } = (event as UploaderEvent<'upload-succeeded'>).detail;
      ctx.announce({ kind: 'finished', name: entry.path });
      ctx.valueChanged();
      ctx.dispatch('s3-upload-succeeded', {
        task,
        key,
        ...(receipt ? { receipt } : {}),
        ...(image ? { image } : {}),
      });
      break;
    }
    case 'upload-failed': {
      const { error } = (event as UploaderEvent<'upload-failed'>).detail;
      ctx.announce({
        kind: 'failed',
        name: entry.path,
        reason: errorText(ctx.messages(), error),
      });
      ctx.dispatch('s3-upload-failed', { task, error });
      break;
    }
    case 'upload-cancelled':
      ctx.dispatch('s3-upload-cancelled', { task });
      break;
  }
  ctx.render();
}
