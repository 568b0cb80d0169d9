// Turns what users drop or paste into Files, walking dropped folders. Folder entries come
// from the File and Directory Entries API (`webkitGetAsEntry`), the only one every current
// browser implements for drops; each file gets its path inside the folder so keys can
// keep the folder structure.
import type { DirectoryHandleLike, FileHandleLike } from '@s3up/core';
import { keepHandle } from './file-handles.js';

/** The part of `FileSystemEntry` this module uses (the DOM typings differ between TS versions). */
interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(success: (file: File) => void, failure?: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: Entry[]) => void, failure?: (error: unknown) => void): void;
  };
}

/** The relative path of a file picked from a folder or dropped inside one, else its name. */
export function relativePathOf(file: File): string {
  return file.webkitRelativePath || file.name;
}

/** Gives `file` its path inside the chosen or dropped folder (`album/2024/a.jpg`), as the folder input does. */
export function withPath(file: File, fullPath: string): File {
  // Dropped files have an empty `webkitRelativePath` (only the folder picker fills it):
  // give them the same one, so keys and the list keep the folder structure either way.
  const relative = fullPath.replace(/^\//, '');
  if (relative !== file.name) Object.defineProperty(file, 'webkitRelativePath', { value: relative });
  return file;
}

function fileOf(entry: Entry): Promise<File> {
  return new Promise((resolve, reject) =>
    entry.file?.((file) => resolve(withPath(file, entry.fullPath)), reject),
  );
}

async function readAll(entry: Entry): Promise<Entry[]> {
  const reader = entry.createReader?.();
  if (!reader) return [];
  const all: Entry[] = [];
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (;;) {
    const batch = await new Promise<Entry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: Entry, out: File[]): Promise<void> {
  if (entry.isFile) {
    out.push(await fileOf(entry));
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry)) await walk(child, out);
  }
}

/** A dropped item's File System Access handle (Chromium), asked for while the drop lasts. */
type DroppedHandle = Promise<FileHandleLike | DirectoryHandleLike | null> | undefined;

function handleOfItem(item: DataTransferItem): DroppedHandle {
  const ask = (item as DataTransferItem & { getAsFileSystemHandle?(): DroppedHandle }).getAsFileSystemHandle;
  if (typeof ask !== 'function') return undefined;
  try {
    const handle = ask.call(item);
    // Pastes, and drops from other apps, may have no handle: the files still come.
    return handle?.catch(() => null);
  } catch {
    return undefined;
  }
}

/**
 * Remembers, for each file of one dropped item, the handle that reopens it after a reload:
 * the file's own handle, or the dropped folder's with the file's path inside it.
 */
async function keepDropped(files: readonly File[], handle: DroppedHandle): Promise<void> {
  const kept = await handle;
  if (!kept) return;
  if (kept.kind === 'file') {
    if (files.length === 1 && files[0]!.name === kept.name) keepHandle(files[0]!, kept);
    return;
  }
  for (const file of files) {
    const [top, ...path] = relativePathOf(file).split('/');
    if (top === kept.name && path.length > 0) keepHandle(file, { directory: kept, path });
  }
}

/**
 * Every file in a drop or paste, folders included (recursively). Entries (and handles)
 * must be taken synchronously, before the first `await`: the browser empties the
 * DataTransfer once the event handler returns.
 */
export async function filesFromDataTransfer(data: DataTransfer | null): Promise<File[]> {
  if (!data) return [];
  const entries: { entry: Entry; handle: DroppedHandle }[] = [];
  const loose: { file: File; handle: DroppedHandle }[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const handle = handleOfItem(item);
    const entry = (item as DataTransferItem & { webkitGetAsEntry?(): Entry | null }).webkitGetAsEntry?.();
    if (entry) entries.push({ entry, handle });
    else {
      const file = item.getAsFile();
      if (file) loose.push({ file, handle });
    }
  }
  if (entries.length === 0 && loose.length === 0) return Array.from(data.files ?? []);
  const out: File[] = [];
  for (const { file, handle } of loose) {
    await keepDropped([file], handle);
    out.push(file);
  }
  for (const { entry, handle } of entries) {
    const files: File[] = [];
    await walk(entry, files);
    await keepDropped(files, handle);
    out.push(...files);
  }
  return out;
}
