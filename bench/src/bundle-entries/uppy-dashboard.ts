// Uppy with its UI, the closest peer of <s3-upload> (JavaScript only; its CSS is extra).
export { default as AwsS3 } from '@uppy/aws-s3';
export { default as Uppy } from '@uppy/core';
export { default as Dashboard } from '@uppy/dashboard';
