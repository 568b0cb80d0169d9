import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type LocalS3, s3Client } from '@s3up/testkit';
import { statusOf } from '@s3up/testkit/s3-status';

/** An S3 client on the credentials a token server answered with. */
export function clientFromAnswer(local: LocalS3, answer: Record<string, unknown>): S3Client {
  return s3Client(local, {
    accessKeyId: String(answer.accessKeyId),
    secretAccessKey: String(answer.secretAccessKey),
    sessionToken: String(answer.sessionToken),
  });
}

/** The bucket owner's view (the token service's own keys): what is really in the store. */
export function ownerClient(local: LocalS3): S3Client {
  return s3Client(local, local.service);
}

export function put(s3: S3Client, bucket: string, key: string, body: string | Uint8Array = 'x') {
  return statusOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
}

/** Whether the object exists, as the bucket owner sees it. */
export async function exists(local: LocalS3, key: string): Promise<boolean> {
  const status = await statusOf(
    ownerClient(local).send(new HeadObjectCommand({ Bucket: local.bucket, Key: key })),
  );
  if (status !== 200 && status !== 404) throw new Error(`HeadObject ${key} answered ${status}`);
  return status === 200;
}

/** The object's bytes, read back by the bucket owner. */
export async function bytesOf(local: LocalS3, key: string): Promise<Buffer> {
  const object = await ownerClient(local).send(new GetObjectCommand({ Bucket: local.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}
