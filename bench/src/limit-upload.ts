import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { BenchError } from './bench-error.js';
import { assertLoopback } from './loopback.js';
import { type SigningKeys, signRequest, UNSIGNED_PAYLOAD } from './sigv4.js';

export interface LimitUploadOptions {
  endpoint: string;
  region: string;
  bucket: string;
  key: string;
  path: string;
  size: number;
  partSize: number;
  concurrency: number;
  keys: SigningKeys;
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  agent: Agent,
  method: string,
  url: URL,
  headers: Record<string, string>,
  body?: Buffer | string,
) {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${url.pathname} timed out after 120 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * "The limit": the same multipart upload the browser contenders do (same parts, same
 * concurrency, parts read from the same file on disk), sent straight from Node over
 * keep-alive HTTP with hand-signed SigV4 and nothing else: no SDK, no retries, no
 * checksums, no progress events. Returns the milliseconds from Create to Complete.
 */
export async function limitUpload(options: LimitUploadOptions): Promise<number> {
  assertLoopback(options.endpoint, 'the S3 endpoint');
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const objectUrl = new URL(
    `/${options.bucket}/${options.key.split('/').map(encodeURIComponent).join('/')}`,
    options.endpoint,
  );
  const sign = (method: string, url: URL, payloadHash: string, headers: Record<string, string> = {}) => {
    const signed = signRequest({
      method,
      url,
      headers,
      payloadHash,
      keys: options.keys,
      region: options.region,
    });
    delete signed.host; // node:http sets it from the URL; the value is the same
    return signed;
  };
  const file = await open(options.path, 'r');
  const started = performance.now();
  try {
    const createUrl = new URL(`${objectUrl}?uploads=`);
    const created = await send(agent, 'POST', createUrl, sign('POST', createUrl, UNSIGNED_PAYLOAD));
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)?.[1];
    if (created.status !== 200 || !uploadId)
      throw new BenchError(
        'upload',
        `CreateMultipartUpload answered ${created.status}: ${created.body.slice(0, 200)}`,
      );
    const count = Math.ceil(options.size / options.partSize);
    const etags: string[] = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const length = Math.min(options.partSize, options.size - index * options.partSize);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buffer, 0, length, index * options.partSize);
        if (bytesRead !== length) throw new BenchError('upload', `short read of part ${index + 1}`);
        const url = new URL(`${objectUrl}?partNumber=${index + 1}&uploadId=${encodeURIComponent(uploadId)}`);
        const answer = await send(
          agent,
          'PUT',
          url,
          { ...sign('PUT', url, UNSIGNED_PAYLOAD), 'content-length': String(length) },
          buffer,
        );
        const etag = answer.headers.etag;
        if (answer.status !== 200 || typeof etag !== 'string')
          throw new BenchError(
            'upload',
            `UploadPart ${index + 1} answered ${answer.status}: ${answer.body.slice(0, 200)}`,
          );
        etags[index] = etag;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
    const xml = `<CompleteMultipartUpload>${etags
      .map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`)
      .join('')}</CompleteMultipartUpload>`;
    const completeUrl = new URL(`${objectUrl}?uploadId=${encodeURIComponent(uploadId)}`);
    const completed = await send(
      agent,
      'POST',
      completeUrl,
      sign('POST', completeUrl, createHash('sha256').update(xml).digest('hex'), {
        'content-type': 'application/xml',
      }),
      xml,
    );
    // CompleteMultipartUpload can answer 200 with an error in the body.
    if (completed.status !== 200 || completed.body.includes('<Error>'))
      throw new BenchError(
        'upload',
        `CompleteMultipartUpload failed: ${completed.status} ${completed.body.slice(0, 200)}`,
      );
    return performance.now() - started;
  } finally {
    await file.close();
    agent.destroy();
  }
}
