// The wire contract's answer and its one parser, re-exported for the engine's users.
// Per-file metadata as the contract writes and reads it (docs/contracts.md, "Per-file metadata").
export {
  type CredentialsResponse,
  contentDisposition,
  decodeMetadataValue,
  displayName,
  encodeMetadataValue,
  MAX_USER_METADATA_BYTES,
  METADATA_NAME,
  type MetadataSize,
  metadataSize,
  parseCredentialsResponse,
  pastedFileName,
} from '@s3up/contract';
export type { ChecksumAlgorithm } from './checksum-algorithm.js';
export { isUploadError, UploadError, type UploadErrorCode } from './errors.js';
export {
  UploaderEvent,
  type UploaderEventDetails,
  type UploaderEventMap,
  type UploaderEventType,
} from './events.js';
export {
  type DirectoryHandleLike,
  type FileHandleLike,
  FileHandleStore,
  type KeptHandle,
} from './file-handle-store.js';
export { checkMetadata, type FileMetadata } from './file-metadata.js';
// Types only: the notes' English lives in the image chunk, loaded with the first photo.
export type { ImageNote, ImageNoteCode, ImageNoteData } from './image/image-notes.js';
export type {
  ImageOptions,
  ImageReport,
  LocationRemoved,
  StoredRendition,
  ThumbnailOption,
} from './image/image-options.js';
export { IndexedDbResumeStore } from './indexeddb-resume-store.js';
export type { InterruptedUpload } from './interrupted-uploads.js';
export { cleanFileName, defaultKey } from './object-key.js';
export type { CredentialsOptions, NetworkStatus, RetryOptions, UploaderOptions } from './options.js';
export { overallProgress } from './overall-progress.js';
export {
  fingerprintOf,
  isResumeRecord,
  MemoryResumeStore,
  type ResumeRecord,
  type ResumeStore,
} from './resume-store.js';
export { preloadSdk } from './s3-transport.js';
export type { ObjectChecksum, OverallProgress, UploadState, UploadTask } from './task.js';
export { planUpload, type UploadPlan } from './upload-plan.js';
export type { ReceiptsOption, UploadReceipt } from './upload-receipt.js';
export { type AddOptions, Uploader } from './uploader.js';
