// The part of @aws-sdk/client-s3 an upload uses: the client and the eight commands the
// engine sends, and the XHR handler browsers send them with. The engine imports this module
// dynamically, so a page that never uploads never fetches the SDK; and because these are static named imports (not a dynamic import
// of the whole package), bundlers drop the other hundred-odd commands and their schemas.
export {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
// The browser's request handler (fetch has no upload progress), here so that core's browser
// build bundles it with the trimmed SDK it belongs to (and its `events` import with it).
export { XhrHttpHandler } from '@aws-sdk/xhr-http-handler';
