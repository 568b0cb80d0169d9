import type { S3UploadEvent, S3UploadEventType } from '@s3up/element';

/**
 * Each event of `<s3-upload>` as a camelCase React prop. The `satisfies` clause makes a
 * new element event without a prop here (or a renamed one) a type error, so the two never
 * drift apart.
 */
export const eventProps = {
  onFilesAdded: 's3-files-added',
  onFilesRejected: 's3-files-rejected',
  onUploadStarted: 's3-upload-started',
  onUploadProgress: 's3-upload-progress',
  onUploadPaused: 's3-upload-paused',
  onUploadResumed: 's3-upload-resumed',
  onUploadSucceeded: 's3-upload-succeeded',
  onUploadFailed: 's3-upload-failed',
  onUploadCancelled: 's3-upload-cancelled',
  onFileRemoved: 's3-file-removed',
  onAllDone: 's3-all-done',
  onChange: 's3-change',
} as const satisfies Record<string, S3UploadEventType>;

type EventProps = typeof eventProps;
type Missing = Exclude<S3UploadEventType, EventProps[keyof EventProps]>;
// Fails to compile when the element gains an event that has no prop above.
const everyEventHasAProp: [Missing] extends [never] ? true : Missing = true;
void everyEventHasAProp;

/** The handler props: each gets the element's typed event (`event.detail`, `event.currentTarget`). */
export type S3UploadEventHandlers = {
  [P in keyof EventProps]?: (event: S3UploadEvent<EventProps[P]>) => void;
};
