import type { Uploader, UploadTask } from '@s3up/core';
import { relativePathOf } from './dropped-files.js';
import { type FileEntry, statusOf } from './file-entry.js';
import { fileIdentity, type Refusal } from './restrictions.js';
import { rowThumbnail } from './row-thumbnail.js';

/** The row thumbnail's edge in CSS pixels (`--s3-upload-thumbnail-size`, 2.5rem). */
const THUMBNAIL_CSS_PIXELS = 40;

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'refused']);

/**
 * The element's file list as data: its rows in the order files were added (refused ones
 * included), rows replaced in place when a file changes hands (waiting → the engine's task,
 * a retired engine's task → the current one's), and the questions asked of them (the value,
 * whether uploads run). Thumbnails are decoded here, off the row's first render.
 */
export class UploadRows {
  readonly #rows = new Map<string, FileEntry>();
  /** Which row replaced which: late thumbnails find the new row. */
  readonly #successors = new WeakMap<FileEntry, FileEntry>();
  /** Stored files whose rows "Clear finished" took off the list (still part of the value). */
  readonly #finishedHidden = new Set<string>();
  readonly #changed: () => void;
  #refusedCount = 0;
  #waitingCount = 0;

  /** `changed`: a row changed by itself (its thumbnail arrived); the element redraws. */
  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** Rows in the order files were added. */
  get all(): FileEntry[] {
    return [...this.#rows.values()];
  }

  get(id: string): FileEntry | undefined {
    return this.#rows.get(id);
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  delete(entry: FileEntry): void {
    this.#rows.delete(entry.id);
  }

  /** A row for a file the restrictions (or a missing configuration) refused. */
  addRefused(file: File, refusal: Refusal): void {
    this.#refusedCount += 1;
    this.#put(newRow(`refused-${this.#refusedCount}`, file, refusal));
  }

  /** A row for a file waiting for the engine (its code is still loading). */
  addWaiting(file: File): void {
    this.#waitingCount += 1;
    this.#put(newRow(`waiting-${this.#waitingCount}`, file));
  }

  /** A row for an engine task (the element's, or one an app added through `uploader`). */
  addTask(uploader: Uploader, task: UploadTask): void {
    const file = task.file;
    this.#put({
      id: task.id,
      file,
      path: file instanceof File ? relativePathOf(file) : task.name,
      size: task.size,
      task,
      uploader,
      refusal: undefined,
      thumbnail: undefined,
      version: 0,
    });
  }

  /** Rows whose file waits for the engine. */
  waiting(): FileEntry[] {
    return this.all.filter((e) => !e.task && !e.refusal && !e.engineError);
  }

  /** Replaces rows in place (same position in the list), keyed by their new ids. */
  replace(replacements: ReadonlyMap<FileEntry, FileEntry>): void {
    if (replacements.size === 0) return;
    const rows = this.all.map((row) => replacements.get(row) ?? row);
    for (const [old, next] of replacements) this.#successors.set(old, next);
    this.#rows.clear();
    for (const row of rows) this.#rows.set(row.id, row);
  }

  /** The row of a file handed to an engine becomes its task's row, in the same place. */
  adopt(entry: FileEntry, uploader: Uploader, task: UploadTask): FileEntry {
    const row = { ...entry, id: task.id, task, uploader, version: entry.version + 1 };
    this.replace(new Map([[entry, row]]));
    return row;
  }

  /** Changes rows in place (a new version of each): `change` gives the fields that change. */
  update(entries: readonly FileEntry[], change: Partial<FileEntry>): void {
    this.replace(
      new Map(entries.map((entry) => [entry, { ...entry, ...change, version: entry.version + 1 }])),
    );
  }

  /** Takes a stored file's row off the list; the file stays in the value. */
  hide(entry: FileEntry): void {
    this.#finishedHidden.add(entry.id);
  }

  /** The rows to show: every row but the stored ones cleared away. */
  get visible(): readonly FileEntry[] {
    if (this.#finishedHidden.size === 0) return this.all;
    return this.all.filter((entry) => !this.#finishedHidden.has(entry.id));
  }

  /** The files that count against `max-files` and duplicates: every row but refused and cancelled ones. */
  held(): { count: number; identities: Set<string> } {
    const identities = new Set<string>();
    let count = 0;
    for (const entry of this.#rows.values()) {
      const status = statusOf(entry);
      if (status === 'refused' || status === 'cancelled') continue;
      count += 1;
      if (entry.file instanceof File) identities.add(fileIdentity(entry.file));
    }
    return { count, identities };
  }

  /** Keys of the uploads that succeeded, in list order: the element's value. */
  get keys(): string[] {
    const keys: string[] = [];
    for (const entry of this.#rows.values()) {
      if (entry.task?.state === 'succeeded' && entry.task.key) keys.push(entry.task.key);
    }
    return keys;
  }

  /** Whether any upload is under way: waiting, sending or pausing (not paused, not done). */
  get running(): boolean {
    for (const entry of this.#rows.values()) {
      const status = statusOf(entry);
      if (status === 'queued' || status === 'uploading' || status === 'pausing') return true;
    }
    return false;
  }

  /** Whether any row is still waiting or uploading (the form then refuses to submit). */
  get pending(): boolean {
    for (const entry of this.#rows.values()) if (!FINAL.has(statusOf(entry))) return true;
    return false;
  }

  /** The engines the rows' uploads belong to. */
  get uploaders(): Set<Uploader> {
    const uploaders = new Set<Uploader>();
    for (const entry of this.#rows.values()) if (entry.uploader) uploaders.add(entry.uploader);
    return uploaders;
  }

  /** The row that now stands for `entry` (itself, or what replaced it). */
  #current(entry: FileEntry): FileEntry {
    let row = entry;
    for (let next = this.#successors.get(row); next; next = this.#successors.get(row)) row = next;
    return row;
  }

  #put(entry: FileEntry): void {
    this.#rows.set(entry.id, entry);
    if (!entry.file.type.startsWith('image/')) return;
    // Decoded at display size, off the row's first render; a row gone by then revokes it.
    void rowThumbnail(entry.file, THUMBNAIL_CSS_PIXELS).then((url) => {
      if (!url) return;
      // The row may have been replaced meanwhile (its file handed to the engine).
      const row = this.#current(entry);
      if (this.#rows.get(row.id) !== row) {
        URL.revokeObjectURL(url);
        return;
      }
      row.thumbnail = url;
      row.version += 1;
      this.#changed();
    });
  }
}

function newRow(id: string, file: File, refusal?: Refusal): FileEntry {
  return {
    id,
    file,
    path: relativePathOf(file),
    size: file.size,
    task: undefined,
    uploader: undefined,
    refusal,
    thumbnail: undefined,
    version: 0,
  };
}
