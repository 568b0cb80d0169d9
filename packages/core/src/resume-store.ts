import { type ChecksumAlgorithm, isChecksumAlgorithm } from './checksum-algorithm.js';
/**
 * What the engine remembers about a multipart upload so that adding the same file again,
 * after a reload or a crash, continues it instead of starting over.
 */
export interface ResumeRecord {
  /** Identifies the file: name, size, last modified time and type (see `fingerprintOf`). */
  fingerprint: string;
  bucket: string;
  key: string;
  uploadId: string;
  partSize: number;
  /** Epoch milliseconds when the multipart upload was created. */
  created: number;
  /** File size when the record was written; a mismatch makes the record corrupt. */
  size?: number;
  /** Set when the upload was created with a checksum algorithm: every part must then carry one. */
  checksum?: ChecksumAlgorithm;
  /** Set when the upload was created with a full-object checksum (Complete then carries the whole file's CRC). */
  checksumType?: 'FULL_OBJECT';
}

/**
 * Where resume records live. The browser default is IndexedDB (`IndexedDbResumeStore`);
 * in Node the default is `MemoryResumeStore`, and a CLI passes one that survives the process.
 * Methods may be sync or async; a failing store never fails an upload (it only loses resume).
 */
export interface ResumeStore {
  get(fingerprint: string): Promise<ResumeRecord | undefined> | ResumeRecord | undefined;
  set(record: ResumeRecord): Promise<void> | void;
  delete(fingerprint: string): Promise<void> | void;
}

/**
 * A resume store in memory: resume works across `Uploader` instances of one process
 * (and within one page), not across restarts.
 *
 * @example
 * const store = new MemoryResumeStore();
 * const uploader = new Uploader({ credentials: { url }, resumeStore: store });
 */
export class MemoryResumeStore implements ResumeStore {
  readonly #records = new Map<string, ResumeRecord>();

  get(fingerprint: string): ResumeRecord | undefined {
    const record = this.#records.get(fingerprint);
    return record ? { ...record } : undefined;
  }

  set(record: ResumeRecord): void {
    this.#records.set(record.fingerprint, { ...record });
  }

  delete(fingerprint: string): void {
    this.#records.delete(fingerprint);
  }

  /** Every record, for inspection (tests, a "pending uploads" screen). */
  list(): ResumeRecord[] {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }
}

/**
 * The identity of a file across reloads: the same name, size, modification time and type.
 * Content is not hashed on purpose: hashing a 10 GB file would read it twice; ListParts
 * and the part-size check catch a file that changed under the same fingerprint.
 */
export function fingerprintOf(file: {
  name: string;
  size: number;
  type: string;
  lastModified?: number;
}): string {
  return ['s3up-v1', file.name, file.size, file.lastModified ?? 0, file.type].join('|');
}

/** True when `value` has the shape of a {@link ResumeRecord}: a store may hold anything. */
export function isResumeRecord(value: unknown): value is ResumeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.fingerprint === 'string' &&
    typeof r.bucket === 'string' &&
    r.bucket !== '' &&
    typeof r.key === 'string' &&
    r.key !== '' &&
    typeof r.uploadId === 'string' &&
    r.uploadId !== '' &&
    typeof r.partSize === 'number' &&
    Number.isInteger(r.partSize) &&
    r.partSize > 0 &&
    typeof r.created === 'number' &&
    Number.isFinite(r.created) &&
    (r.size === undefined || (typeof r.size === 'number' && Number.isInteger(r.size))) &&
    (r.checksum === undefined || isChecksumAlgorithm(r.checksum)) &&
    (r.checksumType === undefined || r.checksumType === 'FULL_OBJECT')
  );
}
