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

  /**
   * Whether the database may hold records: false only when the browser lists its databases
   * and this one is not among them (nothing was ever stored in this profile). Looking up a
   * record then costs no open: opening creates the database on disk, 10 to 20 ms on the
   * first upload's path (issue 21), only to find it empty. Writing creates it as before.
   */
  async #mayHoldRecords(): Promise<boolean> {
    if (this.#db) return true;
    const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (typeof factory?.databases !== 'function') return true;
    try {
      const names = (await factory.databases()).map((db) => db.name);
      return this.#db !== undefined || names.includes(this.#name);
    } catch {
      return true;
    }
  }

  async get(fingerprint: string): Promise<ResumeRecord | undefined> {
    if (!(await this.#mayHoldRecords())) return undefined;
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
    if (!(await this.#mayHoldRecords())) return [];
    return (await (await this.#open()).getAll(STORE)) as ResumeRecord[];
  }

  /** Closes the connection (tests, or before deleting the database). */
  async close(): Promise<void> {
    const db = await this.#db?.catch(() => undefined);
    db?.close();
    this.#db = undefined;
  }
}
