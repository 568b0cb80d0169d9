import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_PUT_SIZE } from '@s3up/contract';
import type { CredentialIssuer, TemporaryCredentials } from './credential-issuer.js';
import { TokenServerError } from './errors.js';
import { scopedKey } from './object-key.js';

export type PresignMethod = 'GET' | 'PUT' | 'POST';

export interface PresignOptions {
  /** Methods clients may presign. Default all three: download/share, single PUT, size-capped POST. */
  methods?: PresignMethod[];
  /** Longest URL lifetime. Default 3600 s; never more than SigV4's 604,800 s or the session maximum. */
  maxExpiresInSeconds?: number;
  /** Lifetime when the client asks for none. Default 900 s: long enough to start an upload. */
  defaultExpiresInSeconds?: number;
  /** Largest object a presigned POST accepts, and the default cap. Default 5 GiB (S3's single-request limit). */
  maxSizeBytes?: number;
  /**
   * Content types PUT and POST may sign, exact (`image/png`) or by family (`image/*`).
   * Default any. A type outside the list is refused with 400.
   */
  allowedContentTypes?: string[];
}

export interface PresignRequest {
  method: PresignMethod;
  key: string;
  expiresIn?: number | undefined;
  contentType?: string | undefined;
  maxSize?: number | undefined;
}

export interface PresignResult {
  method: PresignMethod;
  url: string;
  key: string;
  expiresAt: string;
  /** POST only: the form fields to send before the file. */
  fields?: Record<string, string>;
  /** PUT only: headers the upload must send exactly (they are signed). */
  headers?: Record<string, string>;
}

export interface S3Target {
  endpoint?: string | undefined;
  forcePathStyle?: boolean | undefined;
}

/**
 * Presigned GET, PUT and POST inside a user's prefix. GET and PUT are signed with the
 * user's own session-policy credentials (so even a key bug could not leave the prefix);
 * POST is signed with role credentials that carry no session policy, because S3
 * servers refuse a POST signed under one, and its policy's key condition is the scope.
 */
export class Presigner {
  readonly methods: ReadonlySet<PresignMethod>;
  readonly #issuer: CredentialIssuer;
  readonly #target: S3Target;
  readonly #maxExpires: number;
  readonly #defaultExpires: number;
  readonly #maxSize: number;
  readonly #types: string[] | undefined;
  readonly #now: () => number;

  constructor(
    issuer: CredentialIssuer,
    target: S3Target,
    options: PresignOptions = {},
    now: () => number = Date.now,
  ) {
    this.#issuer = issuer;
    this.#target = target;
    this.methods = new Set(options.methods ?? ['GET', 'PUT', 'POST']);
    this.#maxExpires = Math.min(options.maxExpiresInSeconds ?? 3600, 604_800, issuer.durations.maxSeconds);
    this.#defaultExpires = Math.min(options.defaultExpiresInSeconds ?? 900, this.#maxExpires);
    this.#maxSize = options.maxSizeBytes ?? MAX_PUT_SIZE;
    this.#types = options.allowedContentTypes;
    this.#now = now;
    if (!Number.isInteger(this.#maxSize) || this.#maxSize < 1) {
      throw new TokenServerError(
        'invalid_config',
        `presign.maxSizeBytes must be a positive integer, got ${this.#maxSize}.`,
      );
    }
  }

  async presign(userId: string, request: PresignRequest): Promise<PresignResult> {
    if (!this.methods.has(request.method)) {
      throw new TokenServerError('forbidden', `Presigned ${request.method} is not enabled on this server.`);
    }
    const expiresIn = Math.min(request.expiresIn ?? this.#defaultExpires, this.#maxExpires);
    const prefix = this.#issuer.prefixFor(userId);
    const key = scopedKey(prefix, request.key, { allowFilenameVariable: request.method === 'POST' });
    if (request.method === 'GET') {
      const issued = await this.#issuer.issue({ userId, scope: 'read', minRemainingSeconds: expiresIn });
      const url = await getSignedUrl(
        this.#client(issued.credentials),
        new GetObjectCommand({ Bucket: this.#issuer.bucket, Key: key }),
        {
          expiresIn,
        },
      );
      return { method: 'GET', url, key, expiresAt: this.#expiresAt(expiresIn, issued.credentials) };
    }
    const contentType = this.#contentType(request.contentType);
    if (request.method === 'PUT') {
      const issued = await this.#issuer.issue({ userId, scope: 'upload', minRemainingSeconds: expiresIn });
      // Under `writeOnce` the session refuses a PutObject without If-None-Match: sign it, so
      // the URL works and still never replaces an object (412 when the key is taken).
      const writeOnce = this.#issuer.writeOnceFor('upload');
      const url = await getSignedUrl(
        this.#client(issued.credentials),
        new PutObjectCommand({
          Bucket: this.#issuer.bucket,
          Key: key,
          ContentType: contentType,
          ...(writeOnce ? { IfNoneMatch: '*' } : {}),
        }),
        // Signed, so the upload must send exactly this type (and If-None-Match when write-once).
        {
          expiresIn,
          signableHeaders: new Set(writeOnce ? ['content-type', 'if-none-match'] : ['content-type']),
        },
      );
      return {
        method: 'PUT',
        url,
        key,
        expiresAt: this.#expiresAt(expiresIn, issued.credentials),
        headers: { 'Content-Type': contentType, ...(writeOnce ? { 'If-None-Match': '*' } : {}) },
      };
    }
    const maxSize = request.maxSize ?? this.#maxSize;
    if (maxSize > this.#maxSize) {
      throw new TokenServerError(
        'bad_request',
        `"maxSize" may be at most ${this.#maxSize} bytes on this server.`,
      );
    }
    const credentials = await this.#issuer.signingCredentials(expiresIn);
    const post = await createPresignedPost(this.#client(credentials), {
      Bucket: this.#issuer.bucket,
      Key: key,
      Conditions: [
        ['content-length-range', 0, maxSize],
        ['starts-with', '$key', prefix],
        ['eq', '$Content-Type', contentType],
      ],
      Fields: { 'Content-Type': contentType },
      Expires: expiresIn,
    });
    return {
      method: 'POST',
      url: post.url,
      key,
      expiresAt: this.#expiresAt(expiresIn, credentials),
      fields: post.fields,
    };
  }

  #contentType(requested: string | undefined): string {
    const type = requested ?? 'application/octet-stream';
    if (
      this.#types &&
      !this.#types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : t === type))
    ) {
      throw new TokenServerError(
        'bad_request',
        `"contentType" ${type} is not accepted; allowed: ${this.#types.join(', ')}.`,
      );
    }
    return type;
  }

  // A URL signed with temporary credentials dies with their session: report the earlier time.
  #expiresAt(expiresIn: number, credentials: TemporaryCredentials): string {
    return new Date(Math.min(this.#now() + expiresIn * 1000, credentials.expiration.getTime())).toISOString();
  }

  #client(credentials: TemporaryCredentials): S3Client {
    return new S3Client({
      region: this.#issuer.region,
      ...(this.#target.endpoint ? { endpoint: this.#target.endpoint } : {}),
      forcePathStyle: this.#target.forcePathStyle ?? false,
      credentials,
      // The body is unknown at signing time: a default CRC32 would sign a checksum of nothing.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }
}
