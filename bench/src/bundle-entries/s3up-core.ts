// The engine alone, for apps that bring their own UI.
export { Uploader } from '@s3up/core';
