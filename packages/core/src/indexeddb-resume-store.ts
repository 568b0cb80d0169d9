import type { IDBPDatabase } from 'idb';
import type { ResumeRecord, ResumeStore } from './resume-store.js';

const STORE = 'uploads';

/**
 * Resume records in IndexedDB, so an upload continues after a reload, a crash or a closed
 * tab. `idb` is imported on first use, like the SDK, to keep the page light.
 *
 * @example
 * const uploader = new Uploader({ credentials: { url }, resumeStore: new IndexedDbResumeStore('my-app-uploads') });
 */
export class IndexedDbResumeStore implements ResumeStore {
  readonly #name: string;
  #db: Promise<IDBPDatabase> | undefined;

  /** @param name the database name; default `s3up`. One per app is enough: records are keyed by file. */
  constructor(name = 's3up') {
    this.#name = name;
  }

  #open(): Promise<IDBPDatabase> {
    this.#db ??= import('idb').then(({ openDB }) =>
      openDB(this.#name, 1, {
        upgrade(db) {
          if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'fingerprint' });
        },
      }),
    );
    this.#db.catch(() => {
      this.#db = undefined;
    });
    return this.#db;
  }

  async get(fingerprint: string): Promise<ResumeRecord | undefined> {
    return (await (await this.#open()).get(STORE, fingerprint)) as ResumeRecord | undefined;
  }

  async set(record: ResumeRecord): Promise<void> {
    await (await this.#open()).put(STORE, record);
  }

  async delete(fingerprint: string): Promise<void> {
    await (await this.#open()).delete(STORE, fingerprint);
  }

  /** Every record (a "pending uploads" screen: ask the user to pick those files again). */
  async list(): Promise<ResumeRecord[]> {
    return (await (await this.#open()).getAll(STORE)) as ResumeRecord[];
  }

  /** Closes the connection (tests, or before deleting the database). */
  async close(): Promise<void> {
    const db = await this.#db?.catch(() => undefined);
    db?.close();
    this.#db = undefined;
  }
}
