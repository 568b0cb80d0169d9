import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TokenServerInfo } from './token.js';
import { tokenCredentials } from './token.js';

/** An object as stored: its bytes and Content-Type, read with the user's own `read` credentials. */
export interface StoredObject {
  bytes: Uint8Array;
  contentType: string | undefined;
}

/** Reads objects back as `user` (read scope; the bucket's CORS allows GET from the page). */
export async function readerFor(tokenServer: TokenServerInfo, user: string) {
  const options = await tokenCredentials(tokenServer, user);
  const init = await options.request!({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'read' }),
  });
  const creds = await (await fetch(String(options.url), init)).json();
  const s3 = new S3Client({
    region: creds.region,
    endpoint: creds.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
  });
  return {
    prefix: creds.prefix as string,
    async get(key: string): Promise<StoredObject> {
      const object = await s3.send(new GetObjectCommand({ Bucket: creds.bucket, Key: key }));
      return { bytes: await object.Body!.transformToByteArray(), contentType: object.ContentType };
    },
    close: () => s3.destroy(),
  };
}
