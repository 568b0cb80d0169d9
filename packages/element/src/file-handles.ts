// The File System Access handles behind the files a user picks or drops (Chromium), so an
// upload a reload interrupts can reopen its file with no file chooser. The handle travels
// beside its File in a WeakMap (a File cannot carry it, and nothing here outlives the File);
// the element keeps it in IndexedDB (FileHandleStore of @s3up/core) while the upload can
// still be continued.
import type { FileHandleLike, KeptHandle } from '@s3up/core';

const handles = new WeakMap<File, KeptHandle>();

/** Remembers where `file` came from. */
export function keepHandle(file: File, handle: KeptHandle): void {
  handles.set(file, handle);
}

/** The handle `file` was picked or dropped with, if the browser gave one. */
export function handleOf(file: Blob | undefined): KeptHandle | undefined {
  return file instanceof File ? handles.get(file) : undefined;
}

/** The types option of `showOpenFilePicker`, from an `accept` attribute. */
interface PickerType {
  description?: string;
  accept: Record<string, string[]>;
}

interface PickerWindow {
  showOpenFilePicker?(options: {
    multiple?: boolean;
    types?: PickerType[];
    id?: string;
  }): Promise<FileHandleLike[]>;
}

// Chromium's own rule for picker extensions: a dot, then up to 16 letters, digits, "+" or ".".
const EXTENSION = /^\.[a-z0-9+.]{1,16}$/i;
const MIME = /^[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+)$/i;

/**
 * The picker's filter for `accept` (`image/*,.pdf`): each MIME type as itself, the bare
 * extensions under `application/octet-stream` (the API keys extensions by type). `null`
 * when `accept` holds something the picker would refuse: the element then uses its
 * `<input type=file>`, whose filter takes any text.
 */
export function pickerTypes(accept: string | undefined): PickerType[] | undefined | null {
  const tokens = (accept ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  if (tokens.length === 0) return undefined;
  const map: Record<string, string[]> = {};
  for (const token of tokens) {
    if (token.startsWith('.')) {
      if (!EXTENSION.test(token)) return null;
      map['application/octet-stream'] = [...(map['application/octet-stream'] ?? []), token];
    } else if (MIME.test(token)) {
      map[token] ??= [];
    } else {
      return null;
    }
  }
  return [{ accept: map }];
}

/** Whether this page can pick files as handles (Chromium on desktop, top-level or same-origin frames). */
export function canPickHandles(): boolean {
  return typeof (globalThis as PickerWindow).showOpenFilePicker === 'function';
}

/**
 * Asks the user for files through `showOpenFilePicker` and remembers each one's handle.
 * `[]` when the user closes the picker; throws when the picker cannot be used here (the
 * caller falls back to `<input type=file>`).
 */
export async function pickWithHandles(options: {
  multiple: boolean;
  accept: string | undefined;
}): Promise<File[]> {
  const types = pickerTypes(options.accept);
  if (types === null) throw new Error('accept cannot be expressed as picker types');
  let picked: FileHandleLike[];
  try {
    picked = await (globalThis as PickerWindow).showOpenFilePicker!({
      multiple: options.multiple,
      ...(types ? { types } : {}),
      // One remembered starting folder for every <s3-upload>: where the user last picked.
      id: 's3up',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') return [];
    throw error;
  }
  return Promise.all(
    picked.map(async (handle) => {
      const file = await handle.getFile();
      keepHandle(file, handle);
      return file;
    }),
  );
}
