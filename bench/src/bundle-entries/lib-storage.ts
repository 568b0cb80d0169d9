// What a lib-storage user ships: the S3 client and Upload.
export { S3Client } from '@aws-sdk/client-s3';
export { Upload } from '@aws-sdk/lib-storage';
