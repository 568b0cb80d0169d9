'use client';
// @s3up/react: the <s3-upload> element as a React component. The directive marks it as a
// client component, so a Next.js server component can render it directly.
export type {
  CredentialsRequestHook,
  KeyForHook,
  MessageOverrides,
  RejectedFile,
  S3Upload as S3UploadElement,
  S3UploadEvent,
  S3UploadEventDetails,
  S3UploadEventType,
} from '@s3up/element';
export { eventProps, type S3UploadEventHandlers } from './events.js';
export { S3Upload } from './s3-upload.js';
export { createS3Upload, type S3UploadComponent, type S3UploadProps } from './s3-upload-component.js';
