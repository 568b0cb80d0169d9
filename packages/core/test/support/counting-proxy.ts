import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  op: string;
  uploadId: string | null;
  partNumber: number | null;
  status: number;
  /** The x-amz-checksum-* and if-none-match request headers, as sent. */
  integrity: Record<string, string>;
}

function operation(method: string, url: URL): string {
  const q = url.searchParams;
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'GET' && q.has('uploadId')) return 'ListParts';
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'PUT') return 'PutObject';
  if (method === 'HEAD') return 'HeadObject';
  return `${method}`;
}

/**
 * A transparent HTTP proxy in front of the real backend that records each S3 operation
 * and its status, so integration tests can count requests on the wire (UploadPart per
 * part, one UploadId). It forwards the Host header untouched, so signatures stay valid.
 */
export async function startCountingProxy(
  target: string,
): Promise<{ url: string; calls: ProxiedCall[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const call: ProxiedCall = {
      op: operation(req.method ?? 'GET', url),
      uploadId: url.searchParams.get('uploadId'),
      partNumber: url.searchParams.has('partNumber') ? Number(url.searchParams.get('partNumber')) : null,
      status: 0,
      integrity: Object.fromEntries(
        Object.entries(req.headers)
          .filter(([name]) => name.startsWith('x-amz-checksum-') || name === 'if-none-match')
          .map(([name, value]) => [name, String(value)]),
      ),
    };
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        call.status = answer.statusCode ?? 0;
        calls.push(call);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.on('error', () => forward.destroy());
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
