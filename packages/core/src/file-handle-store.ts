import type { IDBPDatabase } from 'idb';

const STORE = 'handles';

/** The slice of the File System Access API's FileSystemFileHandle used here. */
export interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
  queryPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
}

/** The slice of FileSystemDirectoryHandle used here: a dropped folder. */
export interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  getDirectoryHandle(name: string): Promise<DirectoryHandleLike>;
  getFileHandle(name: string): Promise<FileHandleLike>;
  queryPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: 'read' }): Promise<PermissionState>;
}

/**
 * What reopens a file after a reload: its own handle (picked, or dropped as a file), or the
 * handle of the folder it was dropped in and its path inside (a dropped folder gives one
 * handle for the folder, not one per file; keeping the folder's costs no walk of it).
 */
export type KeptHandle = FileHandleLike | { directory: DirectoryHandleLike; path: readonly string[] };

/**
 * File System Access handles kept in IndexedDB by resume fingerprint, so an upload
 * interrupted by a reload continues from the same file without the user picking it again
 * (after a permission prompt). Only Chromium stores handles; elsewhere nothing is kept and
 * the user picks the file again. `idb` is imported on first use.
 *
 * @example
 * const handles = new FileHandleStore();
 * await handles.set(fingerprintOf(file), handle);
 * const file = await handles.open(fingerprint); // undefined: ask the user to pick it
 */
export class FileHandleStore {
  readonly #name: string;
  #db: Promise<IDBPDatabase> | undefined;

  /** @param name the database name; default `s3up-handles` (apart from the resume records, so either can be cleared alone). */
  constructor(name = 's3up-handles') {
    this.#name = name;
  }

  /** Whether this browser can keep file handles at all. */
  static get supported(): boolean {
    return typeof indexedDB !== 'undefined' && typeof globalThis.FileSystemFileHandle === 'function';
  }

  #open(): Promise<IDBPDatabase> {
    this.#db ??= import('idb').then(({ openDB }) =>
      openDB(this.#name, 1, {
        upgrade(db) {
          if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
        },
      }),
    );
    this.#db.catch(() => {
      this.#db = undefined;
    });
    return this.#db;
  }

  async set(fingerprint: string, handle: KeptHandle): Promise<void> {
    const value = 'directory' in handle ? { directory: handle.directory, path: [...handle.path] } : handle;
    await (await this.#open()).put(STORE, value, fingerprint);
  }

  async get(fingerprint: string): Promise<KeptHandle | undefined> {
    return (await (await this.#open()).get(STORE, fingerprint)) as KeptHandle | undefined;
  }

  async delete(fingerprint: string): Promise<void> {
    await (await this.#open()).delete(STORE, fingerprint);
  }

  /** The fingerprints that have a handle. */
  async fingerprints(): Promise<string[]> {
    return ((await (await this.#open()).getAllKeys(STORE)) as IDBValidKey[]).map(String);
  }

  /**
   * Forgets every handle whose fingerprint `keep` refuses: handles of uploads that finished,
   * were discarded or were left behind by a page that closed before it could say so.
   */
  async prune(keep: (fingerprint: string) => boolean): Promise<void> {
    const db = await this.#open();
    const gone = (await this.fingerprints()).filter((fingerprint) => !keep(fingerprint));
    await Promise.all(gone.map((fingerprint) => db.delete(STORE, fingerprint)));
  }

  /**
   * The file behind the stored handle, asking for read permission when the browser wants
   * it (call from a click: the prompt needs a user gesture). Undefined when there is no
   * handle, permission is refused, or the file is gone: the user picks it instead.
   */
  async open(fingerprint: string): Promise<File | undefined> {
    let kept: KeptHandle | undefined;
    try {
      kept = await this.get(fingerprint);
    } catch {
      return undefined;
    }
    if (!kept) return undefined;
    try {
      // Refused, or asked outside a click (no prompt then): the handle stays for a next try.
      if (!(await permitted('directory' in kept ? kept.directory : kept))) return undefined;
    } catch {
      return undefined;
    }
    try {
      if (!('directory' in kept)) return await kept.getFile();
      let folder = kept.directory;
      const names = [...kept.path];
      const last = names.pop();
      if (last === undefined) return undefined;
      for (const name of names) folder = await folder.getDirectoryHandle(name);
      const file = await (await folder.getFileHandle(last)).getFile();
      // As dropped: its path inside the folder, so the list shows it as before the reload.
      const relative = [kept.directory.name, ...kept.path].join('/');
      Object.defineProperty(file, 'webkitRelativePath', { value: relative });
      return file;
    } catch {
      // Moved or deleted since: the handle is useless now.
      await this.delete(fingerprint).catch(() => {});
      return undefined;
    }
  }

  async close(): Promise<void> {
    const db = await this.#db?.catch(() => undefined);
    db?.close();
    this.#db = undefined;
  }
}

/** Read permission on a handle, asking for it when the browser wants a prompt. */
async function permitted(handle: FileHandleLike | DirectoryHandleLike): Promise<boolean> {
  let permission = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
  if (permission === 'prompt') permission = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
  return permission === 'granted';
}
