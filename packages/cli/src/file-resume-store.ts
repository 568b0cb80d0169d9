import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isResumeRecord, type ResumeRecord, type ResumeStore } from '@s3up/core';

/**
 * Where `s3up upload` keeps its resume records by default: `$XDG_STATE_HOME/s3up/uploads.json`,
 * else `~/.local/state/s3up/uploads.json` (the XDG base-directory spec's place for state
 * that survives restarts but is not configuration).
 */
export function defaultResumeFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 's3up', 'uploads.json');
}

/**
 * Core's `ResumeStore` in one JSON file, so an interrupted `s3up upload` continues in the
 * next process with the same UploadId. Writes go to a temporary file renamed over the old
 * one (a crash never leaves half a file) and are serialized within the process; a file
 * that cannot be read counts as empty (the engine then starts over, it never fails).
 * Records hold bucket, key and UploadId, never credentials.
 *
 * @example
 * const uploader = new Uploader({ credentials, resumeStore: new FileResumeStore(defaultResumeFile(process.env)) });
 */
export class FileResumeStore implements ResumeStore {
  readonly path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  async get(fingerprint: string): Promise<ResumeRecord | undefined> {
    await this.#queue;
    const record = (await this.#read())[fingerprint];
    return isResumeRecord(record) ? record : undefined;
  }

  set(record: ResumeRecord): Promise<void> {
    return this.#update((records) => {
      records[record.fingerprint] = record;
    });
  }

  delete(fingerprint: string): Promise<void> {
    return this.#update((records) => {
      delete records[fingerprint];
    });
  }

  /** Resolves when every write asked for so far is on disk (the process may then exit). */
  async flush(): Promise<void> {
    await this.#queue;
  }

  /** Every valid record (for `--json` output and tests). */
  async list(): Promise<ResumeRecord[]> {
    await this.#queue;
    return Object.values(await this.#read()).filter(isResumeRecord);
  }

  async #read(): Promise<Record<string, unknown>> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  #update(change: (records: Record<string, unknown>) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const records = await this.#read();
      change(records);
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
