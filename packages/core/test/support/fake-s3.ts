import { crc32 } from 'node:zlib';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { SCOPES } from '@s3up/contract';
import { s3Operation } from '@s3up/testkit/s3-operation';
import { HttpResponse, http } from 'msw';

/** Where the fake S3 and token endpoint live (msw intercepts; nothing listens). */
export const S3_URL = 'http://s3.test';
export const TOKEN_URL = 'http://token.test/credentials';
export const BUCKET = 'uploads';
export const PREFIX = 'users/alice/';

/** The operations this fake answers; any other gets 400 NotImplemented. */
const SERVED = new Set([
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'ListParts',
  'AbortMultipartUpload',
  'PutObject',
  'HeadObject',
  'GetObject',
]);

/** One S3 request as seen on the wire. */
export interface WireCall {
  op: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
  /** Bytes received in the body. */
  size?: number;
  /** For Complete: the part numbers listed. */
  parts?: number[];
  checksum?: string | null;
  /** The integrity and condition headers as sent (lower-case names): x-amz-checksum-*, if-none-match. */
  headers?: Record<string, string>;
  /** For Complete: the XML body as sent. */
  xml?: string;
  /** The access key that signed the request (from its SigV4 Authorization header). */
  accessKeyId?: string;
}

/** Answer a request differently (a 500, an error in a 200); undefined lets the fake answer. */
export type Fault = (call: WireCall, attempt: number) => Response | undefined | Promise<Response | undefined>;

const xml = (body: string, status = 200) =>
  new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    status,
    headers: { 'content-type': 'application/xml' },
  });

/** An S3 error response as S3 sends it. */
export function s3Error(status: number, code: string, message = code): Response {
  return xml(
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r1</RequestId></Error>`,
    status,
  );
}

/** A CRC-32 as S3 writes it: 4 big-endian bytes, base64. */
export function crc32Base64Of(bytes: Uint8Array): string {
  const c = crc32(bytes);
  return Buffer.from([c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]).toString('base64');
}

// CRC-32C (Castagnoli) by its own table: independent of the engine's implementation.
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});

export type WireAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';
const CHECKSUM_HEADERS: Record<WireAlgorithm, string> = {
  CRC32: 'x-amz-checksum-crc32',
  CRC32C: 'x-amz-checksum-crc32c',
  CRC64NVME: 'x-amz-checksum-crc64nvme',
};

/**
 * A checksum as S3 writes it (big-endian bytes, base64), computed independently of the
 * engine: node:zlib for CRC32, AWS's own @aws-sdk/crc64-nvme for CRC64NVME, a table here
 * for CRC32C (the engine uses hash-wasm for both).
 */
export async function checksumBase64Of(algorithm: WireAlgorithm, bytes: Uint8Array): Promise<string> {
  if (algorithm === 'CRC32') return crc32Base64Of(bytes);
  if (algorithm === 'CRC64NVME') {
    const hash = new Crc64Nvme();
    hash.update(bytes);
    return Buffer.from(await hash.digest()).toString('base64');
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  c = (c ^ 0xffffffff) >>> 0;
  return Buffer.from([c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255]).toString('base64');
}

/** The one x-amz-checksum-<algorithm> header a request carries, if any. */
function sentChecksum(request: Request): { algorithm: WireAlgorithm; value: string } | undefined {
  for (const [algorithm, header] of Object.entries(CHECKSUM_HEADERS)) {
    const value = request.headers.get(header);
    if (value !== null) return { algorithm: algorithm as WireAlgorithm, value };
  }
  return undefined;
}

const WATCHED_HEADERS = [
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-algorithm',
  'x-amz-checksum-type',
  'x-amz-sdk-checksum-algorithm',
  'if-none-match',
  'if-match',
  'x-amz-checksum-mode',
];

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A small in-memory S3 (path style, one bucket) plus the token endpoint, for msw. It keeps
 * what a real server keeps (objects, multipart uploads and their parts) so tests can read
 * the bytes back, and logs every request so tests can assert the order on the wire.
 */
export class FakeS3 {
  calls: WireCall[] = [];
  objects = new Map<string, Uint8Array>();
  /** The full-object CRC-32 S3 keeps with an object stored with one (HeadObject with checksum mode shows it). */
  objectChecksums = new Map<string, string>();
  /** The algorithm of each kept checksum (HeadObject with x-amz-checksum-mode: ENABLED answers it). */
  objectChecksumAlgorithms = new Map<string, WireAlgorithm>();
  /**
   * Play AWS S3's documented answers where Ceph RGW 16 does not: a part or object whose
   * x-amz-checksum-crc32 differs from its bytes is refused (400 BadDigest), a Complete with
   * a full-object CRC-32 that differs from the assembled object is refused (400 BadDigest),
   * and If-None-Match: * on PutObject or Complete over an existing key answers
   * 412 PreconditionFailed. Default true.
   */
  awsChecks = true;
  uploads = new Map<
    string,
    {
      key: string;
      parts: Map<number, { bytes: Uint8Array; etag: string; checksum?: string }>;
      /** x-amz-checksum-algorithm and x-amz-checksum-type given at Create. */
      algorithm?: string;
      checksumType?: string;
    }
  >();
  fault: Fault | undefined;
  /** Acts on the request, then drops the connection instead of answering (the answer is lost). */
  loseAnswer: ((call: WireCall, attempt: number) => boolean) | undefined;
  /** Parts per ListParts page (S3: 1000); small values exercise pagination. */
  listPageSize = 1000;
  /** Delay before answering UploadPart, ms (to have parts in flight). */
  partDelay = 0;
  /** Highest number of UploadPart/PutObject requests in flight at once. */
  maxInFlight = 0;
  #inFlight = 0;
  #attempts = new Map<string, number>();
  #uploadCounter = 0;

  /** Token endpoint behaviour. */
  credentialRequests: {
    scope: string | undefined;
    authorization: string | null;
    refusedAccessKeyId?: string | undefined;
  }[] = [];
  credentialStatus = 200;
  /** Scopes the fake token server refuses with 403 scope_disabled, like a server without them. */
  disabledScopes = new Set<string>();
  /** A status the token endpoint answers for one scope (429, 500...), with an error body. */
  scopeStatus = new Map<string, number>();
  /** Rewrites the token endpoint's answer (a bad answer test); return a string to send it as the raw body. */
  credentialAnswer: ((answer: Record<string, unknown>) => unknown) | undefined;
  credentialTtlSeconds = 900;
  /** Server clock minus client clock, ms (clock-skew tests). */
  serverClockOffset = 0;
  prefix = PREFIX;
  checksums: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED' = 'WHEN_REQUIRED';
  /** The `actions` the token answer lists per scope, as the s3up token server does; none when unset. */
  actions: Record<string, string[]> | undefined;
  /** The `offeredScopes` the token answer lists (scopes not in `disabledScopes`); none when false, like an older server. */
  tellsOfferedScopes = false;
  #keyCounter = 0;

  ops(): string[] {
    return this.calls.map((c) => (c.partNumber ? `${c.op} ${c.partNumber}` : c.op));
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  handlers() {
    return [
      http.post(TOKEN_URL, async ({ request }) => {
        const body = (await request.json().catch(() => ({}))) as {
          scope?: string;
          refusedAccessKeyId?: string;
        };
        this.credentialRequests.push({
          scope: body.scope,
          authorization: request.headers.get('authorization'),
          refusedAccessKeyId: body.refusedAccessKeyId,
        });
        if (this.disabledScopes.has(body.scope ?? 'upload')) {
          return HttpResponse.json(
            { error: { code: 'scope_disabled', message: 'not enabled' } },
            { status: 403 },
          );
        }
        const scopeStatus = this.scopeStatus.get(body.scope ?? 'upload');
        if (scopeStatus !== undefined) {
          return HttpResponse.json(
            { error: { code: 'rate_limited', message: 'no' } },
            { status: scopeStatus },
          );
        }
        if (this.credentialStatus !== 200) {
          return HttpResponse.json(
            { error: { code: 'unauthorized', message: 'no' } },
            { status: this.credentialStatus },
          );
        }
        const now = Date.now() + this.serverClockOffset;
        this.#keyCounter += 1;
        const answer: Record<string, unknown> = {
          accessKeyId: `AKIATEST${this.#keyCounter}`,
          secretAccessKey: 'secret',
          sessionToken: `token-${this.#keyCounter}`,
          expiration: new Date(now + this.credentialTtlSeconds * 1000).toISOString(),
          serverTime: new Date(now).toISOString(),
          bucket: BUCKET,
          region: 'us-east-1',
          endpoint: S3_URL,
          forcePathStyle: true,
          requestChecksumCalculation: this.checksums,
          prefix: this.prefix,
          scope: body.scope ?? 'upload',
          ...(this.actions ? { actions: this.actions[body.scope ?? 'upload'] ?? [] } : {}),
          ...(this.tellsOfferedScopes
            ? { offeredScopes: SCOPES.filter((scope) => !this.disabledScopes.has(scope)) }
            : {}),
        };
        const rewritten = this.credentialAnswer ? this.credentialAnswer(answer) : answer;
        if (typeof rewritten === 'string')
          return new HttpResponse(rewritten, {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        return HttpResponse.json(rewritten as Record<string, unknown>);
      }),
      http.all(`${S3_URL}/*`, ({ request }) => this.#handle(request)),
    ];
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    if (bucket !== BUCKET) return s3Error(404, 'NoSuchBucket');
    const q = url.searchParams;
    const method = request.method;
    const uploadId = q.get('uploadId') ?? undefined;
    const partNumber = q.has('partNumber') ? Number(q.get('partNumber')) : undefined;
    // The same classifier as the proxies that count operations on the real backend.
    const op = s3Operation(method, `${url.pathname}${url.search}`);
    if (!SERVED.has(op)) return s3Error(400, 'NotImplemented');

    const call: WireCall = { op, key };
    if (uploadId) call.uploadId = uploadId;
    if (partNumber !== undefined) call.partNumber = partNumber;
    const headers: Record<string, string> = {};
    for (const name of WATCHED_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    call.headers = headers;
    const signedBy = /Credential=([^/]+)\//.exec(request.headers.get('authorization') ?? '')?.[1];
    if (signedBy) call.accessKeyId = signedBy;
    // Logged on arrival: the order on the wire is the order requests were sent.
    this.calls.push(call);
    let body: Uint8Array | undefined;
    const isBodyOp = op === 'UploadPart' || op === 'PutObject';
    if (isBodyOp) {
      this.#inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    }
    try {
      if (isBodyOp || op === 'CompleteMultipartUpload') {
        body = new Uint8Array(await request.arrayBuffer());
        call.size = body.length;
        call.checksum = sentChecksum(request)?.value ?? null;
      }
      if (op === 'CompleteMultipartUpload' && body) {
        const text = new TextDecoder().decode(body);
        call.xml = text;
        call.parts = [...text.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
      }
      if (op === 'UploadPart' && this.partDelay > 0) await new Promise((r) => setTimeout(r, this.partDelay));
      if (request.signal.aborted) return s3Error(499, 'ClientClosed');
      const id = `${op} ${key} ${partNumber ?? ''}`;
      const attempt = (this.#attempts.get(id) ?? 0) + 1;
      this.#attempts.set(id, attempt);
      const injected = await this.fault?.(call, attempt);
      if (injected) return injected;
      const answer = await this.#answer(call, body ?? new Uint8Array(0), q, request);
      return this.loseAnswer?.(call, attempt) ? HttpResponse.error() : answer;
    } finally {
      if (isBodyOp) this.#inFlight -= 1;
    }
  }

  async #answer(call: WireCall, body: Uint8Array, q: URLSearchParams, request: Request): Promise<Response> {
    const { key, uploadId, partNumber } = call;
    switch (call.op) {
      case 'PutObject':
        {
          const checksum = sentChecksum(request);
          const sent = checksum?.value ?? null;
          if (this.awsChecks && checksum && sent !== (await checksumBase64Of(checksum.algorithm, body)))
            return s3Error(400, 'BadDigest');
          if (this.awsChecks && request.headers.get('if-none-match') === '*' && this.objects.has(key))
            return s3Error(
              412,
              'PreconditionFailed',
              'At least one of the pre-conditions you specified did not hold',
            );
          this.objects.set(key, body);
          if (checksum) {
            this.objectChecksums.set(key, checksum.value);
            this.objectChecksumAlgorithms.set(key, checksum.algorithm);
          } else this.objectChecksums.delete(key);
        }
        return new HttpResponse(null, { status: 200, headers: { etag: '"put"' } });
      case 'CreateMultipartUpload': {
        const id = `upload-${++this.#uploadCounter}`;
        const algorithm = request.headers.get('x-amz-checksum-algorithm') ?? undefined;
        const checksumType = request.headers.get('x-amz-checksum-type') ?? undefined;
        this.uploads.set(id, {
          key,
          parts: new Map(),
          ...(algorithm ? { algorithm } : {}),
          ...(checksumType ? { checksumType } : {}),
        });
        return xml(
          `<InitiateMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      case 'UploadPart': {
        const upload = this.uploads.get(uploadId!);
        if (!upload) return s3Error(404, 'NoSuchUpload');
        const etag = `"etag-${partNumber}-${body.length}"`;
        const sent = sentChecksum(request);
        const checksum = sent?.value;
        if (this.awsChecks && sent && sent.value !== (await checksumBase64Of(sent.algorithm, body)))
          return s3Error(400, 'BadDigest');
        // AWS: an upload created with an algorithm needs each part's checksum, by that algorithm.
        if (this.awsChecks && upload.algorithm !== undefined && sent?.algorithm !== upload.algorithm)
          return s3Error(400, 'InvalidRequest', 'Checksum Type mismatch occurred');
        upload.parts.set(partNumber!, { bytes: body, etag, ...(checksum ? { checksum } : {}) });
        return new HttpResponse(null, { status: 200, headers: { etag } });
      }
      case 'ListParts': {
        const upload = this.uploads.get(uploadId!);
        if (!upload) return s3Error(404, 'NoSuchUpload');
        const marker = Number(q.get('part-number-marker') ?? 0);
        const all = [...upload.parts.entries()].sort(([a], [b]) => a - b).filter(([n]) => n > marker);
        const page = all.slice(0, this.listPageSize);
        const truncated = all.length > page.length;
        const last = page.at(-1)?.[0] ?? marker;
        const parts = page
          .map(
            ([n, p]) =>
              `<Part><PartNumber>${n}</PartNumber><ETag>${p.etag}</ETag><Size>${p.bytes.length}</Size>${p.checksum ? `<Checksum${upload.algorithm}>${p.checksum}</Checksum${upload.algorithm}>` : ''}</Part>`,
          )
          .join('');
        return xml(
          `<ListPartsResult><Bucket>${BUCKET}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${last}</NextPartNumberMarker><MaxParts>${this.listPageSize}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`,
        );
      }
      case 'CompleteMultipartUpload': {
        const upload = this.uploads.get(uploadId!);
        if (!upload) return s3Error(404, 'NoSuchUpload');
        const chunks: Uint8Array[] = [];
        for (const n of call.parts ?? []) {
          const part = upload.parts.get(n);
          if (!part) return s3Error(400, 'InvalidPart');
          chunks.push(part.bytes);
        }
        const whole = concat(chunks);
        const fullSent = sentChecksum(request);
        const full = fullSent?.value ?? null;
        if (this.awsChecks && fullSent) {
          if (
            upload.checksumType !== 'FULL_OBJECT' ||
            request.headers.get('x-amz-checksum-type') !== 'FULL_OBJECT' ||
            fullSent.algorithm !== upload.algorithm
          )
            return s3Error(400, 'InvalidRequest', 'The upload was created using a different checksum type');
          if (full !== (await checksumBase64Of(fullSent.algorithm, whole))) return s3Error(400, 'BadDigest');
          // Each <Part> lists its checksum by the upload's algorithm, as UploadPart answered it.
          for (const n of call.parts ?? []) {
            const listed = new RegExp(
              `<Part>(?:(?!</Part>).)*<PartNumber>${n}</PartNumber>(?:(?!</Part>).)*</Part>`,
            ).exec(call.xml ?? '')?.[0];
            const tag = `Checksum${upload.algorithm}`;
            if (!listed?.includes(`<${tag}>${upload.parts.get(n)?.checksum}</${tag}>`))
              return s3Error(400, 'InvalidPart', `part ${n} lacks its ${tag}`);
          }
        }
        if (this.awsChecks && request.headers.get('if-none-match') === '*' && this.objects.has(upload.key))
          return s3Error(
            412,
            'PreconditionFailed',
            'At least one of the pre-conditions you specified did not hold',
          );
        this.objects.set(upload.key, whole);
        if (fullSent) {
          this.objectChecksums.set(upload.key, fullSent.value);
          this.objectChecksumAlgorithms.set(upload.key, fullSent.algorithm);
        } else this.objectChecksums.delete(upload.key);
        this.uploads.delete(uploadId!);
        return xml(
          `<CompleteMultipartUploadResult><Bucket>${BUCKET}</Bucket><Key>${key}</Key><ETag></ETag></CompleteMultipartUploadResult>`,
        );
      }
      case 'AbortMultipartUpload':
        if (!this.uploads.delete(uploadId!)) return s3Error(404, 'NoSuchUpload');
        return new HttpResponse(null, { status: 204 });
      case 'HeadObject': {
        const object = this.objects.get(key);
        if (!object) return new HttpResponse(null, { status: 404 });
        // As AWS: the object's checksum only when asked for with x-amz-checksum-mode: ENABLED.
        const value = this.objectChecksums.get(key);
        const algorithm = this.objectChecksumAlgorithms.get(key);
        const withChecksum =
          request.headers.get('x-amz-checksum-mode') === 'ENABLED' && value !== undefined && algorithm;
        return new HttpResponse(null, {
          status: 200,
          headers: {
            'content-length': String(object.length),
            etag: '"x"',
            ...(withChecksum
              ? { [CHECKSUM_HEADERS[algorithm]]: value, 'x-amz-checksum-type': 'FULL_OBJECT' }
              : {}),
          },
        });
      }
      default:
        return s3Error(400, 'NotImplemented');
    }
  }
}
