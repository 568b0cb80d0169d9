// Turns what users drop or paste into Files, walking dropped folders. Folder entries come
// from the File and Directory Entries API (`webkitGetAsEntry`), the only one every current
// browser implements for drops; each file gets its path inside the folder so keys can
// keep the folder structure.

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

function withPath(file: File, fullPath: string): File {
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

/**
 * Every file in a drop or paste, folders included (recursively). Entries must be taken
 * synchronously, before the first `await`: the browser empties the DataTransfer once the
 * event handler returns.
 */
export async function filesFromDataTransfer(data: DataTransfer | null): Promise<File[]> {
  if (!data) return [];
  const entries: Entry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?(): Entry | null }).webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) return Array.from(data.files ?? []);
  const out: File[] = [...loose];
  for (const entry of entries) await walk(entry, out);
  return out;
}
