// The browse button's pickers that keep File System Access handles (Chromium): files through
// `showOpenFilePicker`, folders through `showDirectoryPicker`, so an upload a reload
// interrupts reopens its file from the kept handle with no chooser, as dropped ones do.
// Where the API is missing (Firefox, Safari, phones) the element's <input type=file> (with
// webkitdirectory for folders) asks instead, and keeps nothing.
import type { DirectoryHandleLike, FileHandleLike } from '@s3up/core';
import { withPath } from './dropped-files.js';
import { canPickHandles, keepHandle, pickWithHandles } from './file-handles.js';

/** The slice of FileSystemDirectoryHandle a walk needs. */
interface WalkableDirectory extends DirectoryHandleLike {
  values(): AsyncIterable<FileHandleLike | WalkableDirectory>;
}

interface DirectoryPickerWindow {
  showDirectoryPicker?(options: { id?: string; mode?: 'read' }): Promise<WalkableDirectory>;
}

/** Whether this page can pick folders as handles (Chromium on desktop, top-level or same-origin frames). */
export function canPickFolderHandles(): boolean {
  return typeof (globalThis as DirectoryPickerWindow).showDirectoryPicker === 'function';
}

/** Every file under `dir`, with its path below the chosen folder; in name order, as listings read. */
async function walk(
  root: WalkableDirectory,
  dir: WalkableDirectory,
  path: readonly string[],
  out: File[],
): Promise<void> {
  const children: (FileHandleLike | WalkableDirectory)[] = [];
  for await (const child of dir.values()) children.push(child);
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    const inside = [...path, child.name];
    if (child.kind === 'directory') {
      await walk(root, child, inside, out);
      continue;
    }
    const file = withPath(await child.getFile(), `${root.name}/${inside.join('/')}`);
    // One handle for the whole folder and the file's path in it, as for a dropped folder:
    // continuing after a reload asks for the folder's permission once, not each file's.
    keepHandle(file, { directory: root, path: inside });
    out.push(file);
  }
}

/**
 * Asks the user for a folder through `showDirectoryPicker` and gives every file in it
 * (recursively), each remembering the folder handle and its path. `[]` when the user closes
 * the picker; throws when the picker cannot be used here (the caller falls back to the
 * `<input webkitdirectory>`).
 */
export async function pickFolderWithHandles(): Promise<File[]> {
  let root: WalkableDirectory;
  try {
    // The same remembered starting place as the file picker: where the user last picked.
    root = await (globalThis as DirectoryPickerWindow).showDirectoryPicker!({ id: 's3up', mode: 'read' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') return [];
    throw error;
  }
  const out: File[] = [];
  await walk(root, root, [], out);
  return out;
}

/**
 * The picker for the browse button, keeping handles: the files (or, with `directory`, the
 * folder's files) the user chose, `[]` when they closed it; rejects when the picker cannot
 * be used here. `null` when this browser has none: the element's `<input>` is used.
 */
export function pickKeepingHandles(options: {
  directory: boolean;
  multiple: boolean;
  accept: string | undefined;
}): Promise<File[]> | null {
  if (options.directory) return canPickFolderHandles() ? pickFolderWithHandles() : null;
  return canPickHandles() ? pickWithHandles(options) : null;
}
