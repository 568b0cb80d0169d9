import type { Uploader, UploadState, UploadTask } from '@s3up/core';
import type { Refusal } from './restrictions.js';

/** What a row of the list shows: an engine state, or `refused` for files never uploaded. */
export type EntryStatus = UploadState | 'refused';

/**
 * One row of the file list. Accepted files carry the engine's task (updated in place by
 * the engine); refused files carry the reason instead and never reach the engine. A file
 * accepted before the engine has loaded (it loads after the first render) has neither yet:
 * it is `queued` until the engine takes it, or `failed` with `engineError`.
 */
export interface FileEntry {
  readonly id: string;
  readonly file: File | Blob;
  /** File name, with its folder path for folder uploads. */
  readonly path: string;
  readonly size: number;
  readonly task: UploadTask | undefined;
  /** The engine that owns `task` (the element makes a new one when its configuration changes). */
  readonly uploader: Uploader | undefined;
  readonly refusal: Refusal | undefined;
  /** Object URL of an image's thumbnail; revoked once the image has loaded or the row goes. */
  thumbnail: string | undefined;
  /** Bumped on every change, so unchanged rows of a long list skip re-rendering. */
  version: number;
  /** Why the upload is paused, from the engine's event: the user, or the browser went offline. */
  pausedBy?: 'user' | 'offline' | undefined;
  /** The engine could not be loaded for this waiting file (offline, say); Retry loads it again. */
  engineError?: { code: 'network'; message: string } | undefined;
}

export function statusOf(entry: FileEntry): EntryStatus {
  if (entry.task) return entry.task.state;
  if (entry.refusal) return 'refused';
  return entry.engineError ? 'failed' : 'queued';
}
