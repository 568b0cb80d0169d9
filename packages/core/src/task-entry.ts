import type { UploaderEventDetails, UploaderEventType } from './events.js';
import type { FileUpload } from './file-upload.js';
import type { PreparedRendition } from './image/image-preparation.js';
import type { OverallProgress, UploadState } from './task.js';

/** Why the run of a task was stopped on purpose. */
export class Interruption extends Error {
  constructor(readonly reason: 'pause' | 'cancel') {
    super(`upload ${reason}d`);
    this.name = 'AbortError';
  }
}

/** One task of the {@link Uploader}: its file upload and where its run and pause stand. */
export interface Entry {
  upload: FileUpload;
  /** Allowed to start (autoStart, or `start()` was called). */
  startable: boolean;
  started: boolean;
  controller: AbortController | undefined;
  /** The current run; a new one starts only after it has settled. */
  running: Promise<void> | undefined;
  pausedBy: 'user' | 'offline' | undefined;
  cancelling: Promise<void> | undefined;
  /** The cancel has finished (remote abort done, event sent). */
  cancelled: boolean;
  /** resume() was called while pausing: continue once the pause has settled. */
  resumeWhenPaused: boolean;
  /** The photo has been prepared (or is not one); its thumbnails wait for the upload. */
  prepared: { renditions: PreparedRendition[] } | undefined;
}

export function newEntry(upload: FileUpload, startable: boolean): Entry {
  return {
    upload,
    startable,
    started: false,
    controller: undefined,
    running: undefined,
    pausedBy: undefined,
    cancelling: undefined,
    cancelled: false,
    resumeWhenPaused: false,
    prepared: undefined,
  };
}

/** The states a task does not leave by itself. */
export const FINAL: ReadonlySet<UploadState> = new Set(['succeeded', 'failed', 'cancelled']);

/** What the modules that drive a task (task-run.ts, task-pause.ts) call back on the uploader. */
export interface TaskHost {
  emit<K extends UploaderEventType>(type: K, detail: UploaderEventDetails[K]): void;
  /** Starts queued tasks as the concurrency allows, and announces all-done. */
  schedule(): void;
  resume(id: string): void;
  /** Bytes and speed over every task (the `overall` of progress events). */
  progress(): OverallProgress;
  /** A new FileUpload for a task whose file changed (a prepared photo), progress wired. */
  replaceUpload(entry: Entry): void;
}
