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

  async set(fingerprint: string, handle: FileHandleLike): Promise<void> {
    await (await this.#open()).put(STORE, handle, fingerprint);
  }

  async get(fingerprint: string): Promise<FileHandleLike | undefined> {
    return (await (await this.#open()).get(STORE, fingerprint)) as FileHandleLike | undefined;
  }

  async delete(fingerprint: string): Promise<void> {
    await (await this.#open()).delete(STORE, fingerprint);
  }

  /**
   * The file behind the stored handle, asking for read permission when the browser wants
   * it (call from a click: the prompt needs a user gesture). Undefined when there is no
   * handle, permission is refused, or the file is gone: the user picks it instead.
   */
  async open(fingerprint: string): Promise<File | undefined> {
    let handle: FileHandleLike | undefined;
    try {
      handle = await this.get(fingerprint);
    } catch {
      return undefined;
    }
    if (!handle) return undefined;
    try {
      let permission = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
      if (permission === 'prompt')
        permission = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
      if (permission !== 'granted') return undefined;
      return await handle.getFile();
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
