import type { CompletedPart } from '@aws-sdk/client-s3';
import { type ChecksumAlgorithm, checksumField } from './checksum-algorithm.js';
import { isUploadError } from './errors.js';
import { isAbort } from './failure.js';
import { isResumeRecord, type ResumeRecord } from './resume-store.js';
import type { ListedPart, MultipartTarget, SentChecksum } from './s3-operations.js';
import type { StoredProof } from './stored-check.js';
import type { UploadContext } from './upload-context.js';
import { partRange, planWithPartSize, type UploadPlan } from './upload-plan.js';

export type MultipartPlan = Extract<UploadPlan, { kind: 'multipart' }>;

/**
 * The resume record of one file (by fingerprint) in the uploader's store, and the claim
 * on it: within one uploader only the task that claimed a fingerprint reads, writes or
 * deletes its record, so two tasks of one file never drive the same UploadId. Across tabs
 * of one origin (which share IndexedDB) the claim is a Web Lock named after the fingerprint
 * (`navigator.locks`), held from the record's use until the task ends: a second tab that
 * finds the record waits for the lock instead of driving the same UploadId at the same
 * time. A paused task lets go of the lock (`releaseTab`), so a tab waiting for the file
 * takes the record over; the paused task claims it again on Resume (`resumeStored` with
 * what it holds in memory). A failing store never fails an upload: it only loses resume.
 */
export class ResumeRecords {
  readonly #context: UploadContext;
  readonly #fingerprint: string;
  #claimed = false;
  /** The held Web Lock on this file's record (browsers), released by `release()`. */
  #tabLock: (() => void) | undefined;

  constructor(context: UploadContext, fingerprint: string) {
    this.#context = context;
    this.#fingerprint = fingerprint;
  }

  get fingerprint(): string {
    return this.#fingerprint;
  }

  /** Claims the fingerprint (once); false when another task of this uploader holds it. */
  #claim(): boolean {
    if (!this.#claimed) this.#claimed = this.#context.claim(this.#fingerprint);
    return this.#claimed;
  }

  /** The stored value for this file (unchecked: a store may hold anything), if the claim is ours. */
  async read(): Promise<unknown> {
    const store = this.#context.store;
    if (!store || !this.#claim()) return undefined;
    try {
      return (await store.get(this.#fingerprint)) ?? undefined;
    } catch {
      return undefined; // a broken store costs resume, never the upload
    }
  }

  /**
   * Stores the record (never rejects: losing resume is better than failing the upload).
   * The uploader does not wait for it before sending parts; `forget` waits for it, so a
   * record written late never outlives its upload.
   */
  persist(record: ResumeRecord): Promise<void> {
    this.#writing = this.#persist(record);
    return this.#writing;
  }

  /** The last `persist`, settled or not. */
  #writing: Promise<void> = Promise.resolve();

  async #persist(record: ResumeRecord): Promise<void> {
    const store = this.#context.store;
    if (!store || !this.#claim()) return;
    // A new record is this tab's from the start: another tab adding the same file then waits
    // for it. Should another tab hold the lock already (it added the file at the same moment),
    // this upload goes without a record rather than share one.
    if (!(await this.#lockTab({ ifAvailable: true }))) return;
    try {
      await store.set(record);
    } catch {
      // Losing resume is better than failing the upload (private mode, quota).
    }
  }

  async forget(): Promise<void> {
    const store = this.#context.store;
    await this.#writing;
    if (!store || !this.#claimed) return;
    try {
      await store.delete(this.#fingerprint);
    } catch {
      // Same as above: the record goes stale and is discarded on the next add.
    }
  }

  /** Gives up the claim (final states) and the tab lock. */
  release(): void {
    if (this.#claimed) this.#context.unclaim(this.#fingerprint);
    this.#claimed = false;
    this.releaseTab();
  }

  /**
   * Lets other tabs take the record (a failed or paused task: its retry or Resume asks
   * again). True when this tab held the lock.
   */
  releaseTab(): boolean {
    const held = this.#tabLock !== undefined;
    this.#tabLock?.();
    this.#tabLock = undefined;
    return held;
  }

  /**
   * Before a task that let go of the lock (paused) aborts its upload on cancel: true when
   * this tab can take the lock at once and the record still names `uploadId`, i.e. no other
   * tab took the upload over meanwhile (one that drives or completed it keeps it).
   */
  async stillOurs(uploadId: string): Promise<boolean> {
    if (!webLocks()) return true;
    if (!(await this.#lockTab({ ifAvailable: true }))) return false;
    const raw = (await this.read()) as Partial<ResumeRecord> | undefined;
    return raw?.uploadId === uploadId;
  }

  /**
   * Takes this file's Web Lock for this tab, waiting while another tab holds it (`onWait`
   * is told when the wait starts and ends; the signal ends it: pause or cancel). True when
   * this tab holds it or the runtime has no Web Locks (Node, old browsers: nothing to
   * share with); false only with `ifAvailable` when another tab holds it.
   */
  async lockTab(signal: AbortSignal, onWait: (waiting: boolean) => void): Promise<{ waited: boolean }> {
    if (this.#tabLock || !webLocks()) return { waited: false };
    if (await this.#lockTab({ ifAvailable: true })) return { waited: false };
    onWait(true);
    try {
      await this.#lockTab({ signal });
    } finally {
      onWait(false);
    }
    return { waited: true };
  }

  #lockTab(options: LockOptions): Promise<boolean> {
    const locks = webLocks();
    if (this.#tabLock || !locks) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      locks
        .request(`s3up-upload:${this.#fingerprint}`, options, (lock) => {
          if (!lock) return resolve(false);
          // Held until release(): the callback's promise settles then.
          return new Promise<void>((release) => {
            this.#tabLock = release;
            resolve(true);
          });
        })
        .catch(reject);
    });
  }
}

/** The Web Locks API where the runtime has it. */
function webLocks(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}

/** What to do with a stored value before any request. */
export type RecordCheck =
  /** Corrupt, stale, another size or another part size: abort its upload (`upload`, when in the user's prefix) and forget it. */
  | { verdict: 'discard'; upload: MultipartTarget | undefined }
  /** Another user's record (a shared computer): not ours to continue, nor to abort. */
  | { verdict: 'foreign' }
  | { verdict: 'usable'; record: ResumeRecord; plan: MultipartPlan };

/** Sorts a stored value for this file (`size`, `fingerprint`) and these credentials (`bucket`, `prefix`). */
export function checkRecord(
  raw: unknown,
  file: { fingerprint: string; size: number },
  access: { bucket: string; prefix: string },
  maxAge: number,
  now = Date.now(),
): RecordCheck {
  const discard = (): RecordCheck => ({ verdict: 'discard', upload: ownUpload(raw, access) });
  if (!isResumeRecord(raw) || raw.fingerprint !== file.fingerprint) return discard();
  if (raw.size !== undefined && raw.size !== file.size) return discard();
  if (raw.bucket !== access.bucket || !raw.key.startsWith(access.prefix)) return { verdict: 'foreign' };
  const plan = planWithPartSize(file.size, raw.partSize);
  if (!plan || now - raw.created > maxAge) return discard();
  return { verdict: 'usable', record: raw, plan };
}

/** The multipart upload a stored value names, when it lies in the user's bucket and prefix. */
function ownUpload(raw: unknown, access: { bucket: string; prefix: string }): MultipartTarget | undefined {
  const r = raw as Partial<ResumeRecord> | null | undefined;
  if (
    r &&
    typeof r.uploadId === 'string' &&
    typeof r.key === 'string' &&
    r.bucket === access.bucket &&
    r.key.startsWith(access.prefix)
  ) {
    return { bucket: access.bucket, key: r.key, uploadId: r.uploadId };
  }
  return undefined;
}

/**
 * The parts S3 listed that can be kept, and their bytes. A part is kept when its number and
 * size fit the plan and, for an upload created with a checksum algorithm, when the checksum S3
 * lists for it equals the one of the same byte range of the file being resumed (`checksumOf`,
 * base64): a part
 * that differs (the file changed under it) is sent again under the same number, which
 * replaces it. `mismatched` counts the parts that differed.
 */
export async function keptParts(
  listed: readonly ListedPart[],
  plan: MultipartPlan,
  checksum: ChecksumAlgorithm | undefined,
  checksumOf: (start: number, end: number, algorithm: ChecksumAlgorithm) => Promise<string>,
  known?: ReadonlyMap<number, CompletedPart>,
): Promise<{
  parts: Map<number, CompletedPart>;
  confirmed: number;
  checked: number;
  mismatched: number;
  known: number;
}> {
  const parts = new Map<number, CompletedPart>();
  let confirmed = 0;
  let checked = 0;
  let mismatched = 0;
  let knownKept = 0;
  for (const part of listed) {
    const n = part.PartNumber;
    if (n === undefined || n < 1 || n > plan.partCount || !part.ETag) continue;
    const { start, end } = partRange(plan, n);
    // A part of the wrong size (another part size, a changed file) is uploaded again: same number, replaced.
    if (part.Size !== end - start) continue;
    // A part this task sent or checked before a pause, still under the same ETag (no other tab
    // replaced it meanwhile): its bytes were hashed then, so it is kept without reading them again.
    const mine = known?.get(n);
    if (mine && mine.ETag === part.ETag) {
      parts.set(n, mine);
      confirmed += end - start;
      knownKept += 1;
      continue;
    }
    const listedChecksum = checksum ? part[checksumField(checksum)] : undefined;
    if (checksum) {
      // No checksum listed (Ceph RGW keeps none): it cannot be checked against the file, so it is sent again.
      if (listedChecksum === undefined) continue;
      checked += 1;
      if ((await checksumOf(start, end, checksum)) !== listedChecksum) {
        mismatched += 1;
        continue;
      }
    }
    parts.set(n, {
      PartNumber: n,
      ETag: part.ETag,
      ...(checksum && listedChecksum ? { [checksumField(checksum)]: listedChecksum } : {}),
    });
    confirmed += end - start;
  }
  return { parts, confirmed, checked, mismatched, known: knownKept };
}

/**
 * The stored upload a paused task drove before it let go of the file's lock (what it holds in
 * memory): on Resume it is claimed again, and its parts still listed under the same ETag are
 * not hashed again.
 */
export interface HeldUpload {
  upload: MultipartTarget;
  plan: MultipartPlan;
  checksum: ChecksumAlgorithm | undefined;
  fullObject: boolean;
  parts: ReadonlyMap<number, CompletedPart>;
}

/** A multipart upload continued from the resume store. */
export interface Resumed {
  upload: MultipartTarget;
  plan: MultipartPlan;
  /** The algorithm the upload was created with (every part carries it), if any. */
  checksum: ChecksumAlgorithm | undefined;
  /** Created with ChecksumType FULL_OBJECT. */
  fullObject: boolean;
  parts: Map<number, CompletedPart>;
  confirmed: number;
}

/** The stored upload was finished by another tab meanwhile: the object is in place. */
export interface StoredElsewhere {
  storedElsewhere: true;
  upload: MultipartTarget;
  plan: MultipartPlan;
  /** Set when S3's checksum of the object proved it is this file (else size and part count did). */
  checksum?: SentChecksum;
}

/**
 * Continues the file's stored multipart upload when there is a usable record and S3 still
 * has it (ListParts, every page); otherwise cleans up (`abort`, then forget the record)
 * and answers undefined, so the caller starts a new upload. A pause (the signal's abort)
 * passes through.
 *
 * Another tab may hold the record (the same file added there): this one waits for that
 * tab's lock (`onWait`), then looks again. When the record is gone (that tab completed or
 * cancelled it), or S3 says NoSuchUpload (a tab without the lock completed it), the key is
 * asked first (`storedWhole`: HeadObject, the file's size and the part count): a stored
 * object is `StoredElsewhere`, a success, never a failure or a second copy. `lookup` is
 * `records.read()` when the caller started it early; it is read again after a wait.
 */
export async function resumeStored(
  records: ResumeRecords,
  file: { fingerprint: string; size: number },
  access: { bucket: string; prefix: string },
  maxAge: number,
  s3: {
    listParts(upload: MultipartTarget): Promise<ListedPart[]>;
    abort(upload: MultipartTarget): Promise<void>;
    /** The object under the key is this file (resume record's algorithm, when it has one, for the checksum). */
    storedWhole(
      upload: MultipartTarget,
      plan: MultipartPlan,
      algorithm: ChecksumAlgorithm | undefined,
    ): Promise<StoredProof | undefined>;
  },
  checksumOf: (start: number, end: number, algorithm: ChecksumAlgorithm) => Promise<string>,
  tabs: { signal: AbortSignal; onWait: (waiting: boolean) => void },
  held?: HeldUpload,
  lookup?: Promise<unknown>,
): Promise<Resumed | StoredElsewhere | undefined> {
  const first = held ? undefined : await (lookup ?? records.read());
  if (!held && (first === undefined || first === null)) return undefined;
  const { waited } = await records.lockTab(tabs.signal, tabs.onWait);
  // A paused task let go of the lock: another tab may have taken the record over since, so it reads it again.
  const raw = waited || held ? await records.read() : first;
  if (
    held &&
    (raw === undefined || raw === null || checkRecord(raw, file, access, maxAge).verdict !== 'usable')
  ) {
    // The record is gone: the tab that took the upload over completed it (ListParts then
    // answers NoSuchUpload and HeadObject finds the object), cancelled it, or this tab's
    // record was never written (a failing store: the upload goes on).
    return continueUpload(records, held, s3, checksumOf);
  }
  if (raw === undefined || raw === null) {
    // The tab we waited for is done with the record: completed (the object is there) or cancelled.
    const before = checkRecord(first, file, access, maxAge);
    if (before.verdict !== 'usable') return undefined;
    const upload = { bucket: before.record.bucket, key: before.record.key, uploadId: before.record.uploadId };
    const proof = await s3.storedWhole(upload, before.plan, before.record.checksum);
    return proof ? { storedElsewhere: true, upload, plan: before.plan, ...proof } : undefined;
  }
  const check = checkRecord(raw, file, access, maxAge);
  if (check.verdict !== 'usable') {
    if (check.verdict === 'discard' && check.upload) await s3.abort(check.upload);
    await records.forget();
    return undefined;
  }
  const { record, plan } = check;
  const upload = { bucket: record.bucket, key: record.key, uploadId: record.uploadId };
  const same = held?.upload.uploadId === record.uploadId;
  return continueUpload(
    records,
    {
      upload,
      plan,
      checksum: record.checksum,
      fullObject: record.checksumType === 'FULL_OBJECT',
      parts: same && held ? held.parts : new Map(),
    },
    s3,
    checksumOf,
  );
}

/**
 * ListParts of a stored upload and the parts that can be kept (`stored.parts`: those this
 * task holds in memory). NoSuchUpload asks HeadObject first: another tab may have completed it.
 */
async function continueUpload(
  records: ResumeRecords,
  stored: HeldUpload,
  s3: Parameters<typeof resumeStored>[4],
  checksumOf: (start: number, end: number, algorithm: ChecksumAlgorithm) => Promise<string>,
): Promise<Resumed | StoredElsewhere | undefined> {
  const { upload, plan, checksum } = stored;
  let listed: ListedPart[];
  try {
    listed = await s3.listParts(upload);
  } catch (error) {
    if (isAbort(error)) throw error;
    const gone = isUploadError(error) && error.code === 'no-such-upload';
    // Gone: completed by another tab (or page without the lock), aborted, or expired. Only
    // the first leaves the object: ask before starting over.
    const proof = gone ? await s3.storedWhole(upload, plan, checksum) : undefined;
    if (proof) {
      await records.forget();
      return { storedElsewhere: true, upload, plan, ...proof };
    }
    // Gone otherwise, or not allowed to list: start over, cleaning up what we can.
    if (!gone) await s3.abort(upload);
    await records.forget();
    return undefined;
  }
  const kept = await keptParts(listed, plan, checksum, checksumOf, stored.parts);
  if (kept.checked > 0 && kept.mismatched === kept.checked && kept.known === 0) {
    // Not one stored part matches the file: this is another file under the same name, size
    // and date. Its upload is not continued (and never mixed with this one): abort it, start anew.
    await s3.abort(upload);
    await records.forget();
    return undefined;
  }
  return {
    upload,
    plan,
    checksum,
    fullObject: stored.fullObject,
    parts: kept.parts,
    confirmed: kept.confirmed,
  };
}
