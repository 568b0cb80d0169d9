import type { PageCredentials } from './page-protocol.js';

/** RFC 3986, as SigV4 wants: `~` stays as is (URLSearchParams would write %7E). */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const bytes = (text: string) => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
const hex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return crypto.subtle.sign('HMAC', cryptoKey, bytes(data));
}

export interface PresignRequest {
  method: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
  expiresIn?: number;
}

/**
 * A query-string SigV4 presigner made with WebCrypto, for Uppy's `signRequest` mode.
 * Uppy 6.3's own presigner (getCredentials mode) writes the canonical query with
 * URLSearchParams, which encodes `~` as `%7E`; Ceph RGW's upload IDs start with `2~`, so
 * every UploadPart it signs fails with SignatureDoesNotMatch here (AWS upload IDs have no
 * `~`, so AWS users do not see it). Same credentials, same signing place (the browser),
 * same requests: only the encoding differs.
 */
export function createPresigner(credentials: PageCredentials) {
  const base = new URL(`${credentials.endpoint}/${credentials.bucket}/`);
  return async (request: PresignRequest): Promise<{ url: string }> => {
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const day = now.slice(0, 8);
    const scope = `${day}/${credentials.region}/s3/aws4_request`;
    const path = `${base.pathname}${request.key.split('/').map(encode).join('/')}`;
    const params: [string, string][] = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD'],
      ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
      ['X-Amz-Date', now],
      ['X-Amz-Expires', String(request.expiresIn ?? 3600)],
      ['X-Amz-Security-Token', credentials.sessionToken],
      ['X-Amz-SignedHeaders', 'host'],
    ];
    if (request.uploadId !== undefined) params.push(['uploadId', request.uploadId]);
    if (request.partNumber !== undefined) params.push(['partNumber', String(request.partNumber)]);
    if (request.method === 'POST' && request.uploadId === undefined) params.push(['uploads', '']);
    const query = params
      .map(([k, v]) => `${encode(k)}=${encode(v)}`)
      .sort()
      .join('&');
    const canonical = [request.method, path, query, `host:${base.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join(
      '\n',
    );
    const toSign = [
      'AWS4-HMAC-SHA256',
      now,
      scope,
      hex(await crypto.subtle.digest('SHA-256', bytes(canonical))),
    ].join('\n');
    let key = await hmac(bytes(`AWS4${credentials.secretAccessKey}`), day);
    for (const part of [credentials.region, 's3', 'aws4_request']) key = await hmac(key, part);
    const signature = hex(await hmac(key, toSign));
    return { url: `${base.origin}${path}?${query}&X-Amz-Signature=${signature}` };
  };
}
