import { HeadObjectCommand, type HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { AuditLogger } from '../../audit-log.js';
import type { CredentialIssuer, TemporaryCredentials } from '../../credential-issuer.js';
import { TokenServerError } from '../../errors.js';
import { scopedKey } from '../../object-key.js';
import type { Answer } from '../answer.js';
import type { RequestContext } from '../context.js';
import type { scopeGate } from '../scope-gate.js';
import { parseBody } from './parse-body.js';

/** What the server saw in the bucket for a reported upload; handed to `onUploaded`. */
export interface UploadReceipt {
  userId: string;
  /** The full key, the user's prefix included. */
  key: string;
  size: number;
  contentType: string | undefined;
  /** As S3 reports it, quotes included. */
  etag: string;
  lastModified: string | undefined;
}

const receiptBody = z.strictObject({
  key: z.string().min(1).max(1024),
});

/**
 * `POST /uploads`, an upload receipt: the client says "I stored `key`"; the server does
 * not take its word for it. The key must lie under the user's own prefix (403 otherwise)
 * and the object must exist, which the server checks with HeadObject under its own role
 * credentials (404 otherwise); only then is the receipt audited and `onUploaded` called.
 */
export function uploadsRoute(o: {
  issuer: CredentialIssuer;
  audit: AuditLogger;
  requireScope: ReturnType<typeof scopeGate>;
  enabled: boolean;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  onUploaded: ((receipt: UploadReceipt) => unknown) | undefined;
}) {
  let client: { accessKeyId: string; s3: S3Client } | undefined;
  const s3For = (credentials: TemporaryCredentials): S3Client => {
    if (client?.accessKeyId !== credentials.accessKeyId) {
      client?.s3.destroy();
      client = {
        accessKeyId: credentials.accessKeyId,
        s3: new S3Client({
          region: o.issuer.region,
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
          forcePathStyle: o.forcePathStyle,
          credentials,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }),
      };
    }
    return client.s3;
  };

  return async function uploads(rc: RequestContext, userId: string, raw: unknown): Promise<Answer> {
    if (!o.enabled)
      throw new TokenServerError('not_found', 'Upload receipts are not enabled on this server.');
    rc.scope = 'upload';
    o.requireScope('upload', 'An upload receipt');
    const { key } = parseBody(receiptBody, raw);
    const prefix = o.issuer.prefixFor(userId);
    if (!key.startsWith(prefix)) {
      throw new TokenServerError('forbidden', `"key" must be one of your own uploads, under ${prefix}.`);
    }
    // The same safe-key rule as presigning: no "..", no control characters, no empty segments.
    scopedKey(prefix, key.slice(prefix.length));
    const credentials = await o.issuer.signingCredentials(60);
    let head: HeadObjectCommandOutput;
    try {
      head = await s3For(credentials).send(new HeadObjectCommand({ Bucket: o.issuer.bucket, Key: key }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) {
        throw new TokenServerError(
          'not_found',
          `No object ${key} was found; report an upload after it completed.`,
          {
            cause: error,
          },
        );
      }
      throw new TokenServerError(
        'internal',
        'Could not check the upload; the operator should check the server log.',
        {
          cause: error,
        },
      );
    }
    const receipt: UploadReceipt = {
      userId,
      key,
      size: head.ContentLength ?? 0,
      contentType: head.ContentType,
      etag: head.ETag ?? '',
      lastModified: head.LastModified?.toISOString(),
    };
    o.audit.event('info', 'upload.received', {
      kind: 'uploads',
      ...rc.trail(),
      userId,
      bucket: o.issuer.bucket,
      key,
      size: receipt.size,
      ...(receipt.contentType ? { contentType: receipt.contentType } : {}),
      etag: receipt.etag,
    });
    const app = o.onUploaded ? await o.onUploaded(receipt) : undefined;
    return rc.json(200, {
      key,
      size: receipt.size,
      ...(receipt.contentType ? { contentType: receipt.contentType } : {}),
      etag: receipt.etag,
      ...(receipt.lastModified ? { lastModified: receipt.lastModified } : {}),
      ...(app === undefined ? {} : { app }),
    });
  };
}
