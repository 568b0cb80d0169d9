import { type ChecksumAlgorithm, combineChecksums } from './checksum-algorithm.js';
import { checksumAlgorithmFor, checksumBase64Of } from './checksum-policy.js';
import type { Credentials } from './credentials-source.js';
import { objectHeaders } from './file-metadata.js';
import {
  type MultipartPlan,
  type Resumed,
  type ResumeRecords,
  resumeStored,
  type StoredElsewhere,
} from './resume.js';
import {
  createMultipartUpload,
  listParts,
  type MultipartTarget,
  type ObjectTarget,
  type OperationScope,
} from './s3-operations.js';
import type { StoredCheck } from './stored-check.js';
import type { TaskModel } from './task-model.js';
import type { UploadContext } from './upload-context.js';
import type { MultipartPhase, StoredPhase } from './upload-phase.js';
import { partRange } from './upload-plan.js';
import type { UploadProgress } from './upload-progress.js';

/** What starting a multipart upload reads and changes of its file's upload (file-upload.ts). */
export interface StartingUpload {
  context: UploadContext;
  task: TaskModel;
  records: ResumeRecords;
  progress: UploadProgress;
  check: StoredCheck;
  /** The bucket and key a new object goes to (chosen once, kept across runs). */
  target(credentials: Credentials): ObjectTarget;
  /** A stored upload that cannot be continued: aborted on S3 (remote-abort.ts). */
  discard(scope: OperationScope, upload: MultipartTarget): Promise<void>;
  onProgress(): void;
}

/**
 * Continues the stored upload of this file when there is one (resume.ts: the record, the
 * other tabs' claim, ListParts), else creates a new one. `held` is the upload a paused task
 * let go of to another tab; `lookup`, the record's lookup when it was started early (beside
 * the credentials request). Answers `stored` when another tab completed it meanwhile.
 */
export async function startMultipart(
  file: StartingUpload,
  scope: OperationScope,
  credentials: Credentials,
  plan: MultipartPlan,
  held?: MultipartPhase,
  lookup?: Promise<unknown>,
): Promise<MultipartPhase | StoredPhase> {
  const { task, records } = file;
  const { bucket, prefix } = credentials.response;
  const resumed = await resumeStored(
    records,
    { fingerprint: records.fingerprint, size: task.size },
    { bucket, prefix },
    file.context.options.resumeMaxAge,
    {
      listParts: (upload) => listParts(scope, upload),
      abort: (upload) => file.discard(scope, upload),
      storedWhole: (upload, stored, algorithm) =>
        file.check.storedWhole(
          scope.transport,
          upload,
          stored.partCount,
          scope.signal,
          // The file's own full-object checksum, hashed only when S3 reports one to compare.
          algorithm && { algorithm, value: () => fileChecksum(task.file, stored, algorithm) },
        ),
    },
    (start, end, algorithm) => checksumBase64Of(task.file.slice(start, end), algorithm),
    {
      signal: scope.signal,
      onWait: (waiting) => {
        task.waitingForTab = waiting;
        file.onProgress();
      },
    },
    held,
    lookup,
  );
  if (resumed && 'storedElsewhere' in resumed) return storedElsewhere(task, resumed);
  if (resumed) return resume(file, resumed);
  return create(file, scope, credentials, plan);
}

/**
 * The upload this task resumed was completed by another tab: it succeeds as stored, with
 * the object's checksum when S3's proved it is this file (else size and part count did).
 */
function storedElsewhere(task: TaskModel, { upload, checksum }: StoredElsewhere): StoredPhase {
  task.key = upload.key;
  task.resumed = true;
  task.completedElsewhere = true;
  if (checksum) task.checksum = { ...checksum, type: 'FULL_OBJECT' };
  return { name: 'stored', target: { bucket: upload.bucket, key: upload.key } };
}

/** The whole file's checksum by its parts' ranges, combined (reads the file once: only to prove a stored object). */
async function fileChecksum(file: File, plan: MultipartPlan, algorithm: ChecksumAlgorithm): Promise<string> {
  const parts: { value: string; size: number }[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    const { start, end } = partRange(plan, n);
    parts.push({ value: await checksumBase64Of(file.slice(start, end), algorithm), size: end - start });
  }
  return combineChecksums(algorithm, parts);
}

function resume(file: StartingUpload, resumed: Resumed): MultipartPhase {
  file.task.key = resumed.upload.key;
  file.task.resumed = true;
  file.progress.startFrom(resumed.confirmed);
  file.progress.announce();
  const { upload, plan, checksum, fullObject, parts } = resumed;
  return { name: 'multipart', upload, plan, checksum, fullObject, parts };
}

async function create(
  file: StartingUpload,
  scope: OperationScope,
  credentials: Credentials,
  plan: MultipartPlan,
): Promise<MultipartPhase> {
  const { task, context, records } = file;
  const target = file.target(credentials);
  const checksum = checksumAlgorithmFor(context.options, credentials);
  const uploadId = await createMultipartUpload(scope, target, {
    ...(task.type ? { contentType: task.type } : {}),
    ...(checksum ? { checksumAlgorithm: checksum, checksumType: 'FULL_OBJECT' as const } : {}),
    ...objectHeaders(task.name, task.metadata, context.options.contentDisposition),
  });
  file.progress.startFrom(0);
  // Not awaited: the first parts go while IndexedDB stores the record (a write took 10 to
  // 50 ms between Create's answer and the first part byte on a loaded machine, issue 21);
  // a reload in those milliseconds loses only what was sent meanwhile.
  void records.persist({
    fingerprint: records.fingerprint,
    bucket: target.bucket,
    key: target.key,
    uploadId,
    partSize: plan.partSize,
    created: Date.now(),
    size: task.size,
    ...(checksum ? { checksum, checksumType: 'FULL_OBJECT' as const } : {}),
  });
  return {
    name: 'multipart',
    upload: { ...target, uploadId },
    plan,
    checksum,
    fullObject: checksum !== undefined,
    parts: new Map(),
  };
}
