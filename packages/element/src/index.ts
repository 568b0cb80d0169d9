// The element's public API, without defining the tag (import '@s3up/element/define' for that).
export { isS3UploadElementError, S3UploadElementError, type S3UploadElementErrorCode } from './errors.js';
export {
  type RejectedFile,
  S3UploadEvent,
  type S3UploadEventDetails,
  type S3UploadEventType,
} from './events.js';
export type { EntryStatus, FileEntry } from './file-entry.js';
export type { FieldSpec, FieldsValidator } from './file-fields.js';
export type { Catalog, MessageId, MessageOverrides, PluralText } from './messages/catalog.js';
export { allLocales, type SupportedLocale } from './messages/locales.js';
export type { Refusal, RefusalCode } from './restrictions.js';
export { type CredentialsRequestHook, type KeyForHook, S3Upload, type ThumbnailOption } from './s3-upload.js';
