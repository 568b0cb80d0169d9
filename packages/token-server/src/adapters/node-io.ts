import type { IncomingMessage, ServerResponse } from 'node:http';
import { responseTextOf, withRequestBody } from '../handler/body-bytes.js';
import { BODY_LIMIT } from '../handler/middleware/body.js';

/**
 * A Node request as a Fetch Request. The body is read here, at most one byte past the
 * core's limit (the core then answers 413 from the byte count), so a flood of large
 * bodies costs no more than 16 KiB each. `preParsed` is a body the host already parsed
 * (Express's `express.json()` ran before the router): it is re-serialized as JSON.
 */
export async function toFetchRequest(
  req: IncomingMessage,
  url: string,
  preParsed?: { body: unknown },
): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  let body: Buffer<ArrayBuffer>;
  if (preParsed) {
    const b = preParsed.body;
    body = Buffer.from(typeof b === 'string' || Buffer.isBuffer(b) ? b : JSON.stringify(b));
    headers.delete('content-length');
  } else {
    body = await readBounded(req, BODY_LIMIT + 1);
  }
  // The bytes go beside the Request, not into it: a body would cost a web stream to build and
  // another pass to read back (see body-bytes.ts). The core reads them from there.
  return withRequestBody(new Request(url, { method, headers }), body);
}

function readBounded(req: IncomingMessage, limit: number): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', reject);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // Enough to know it is too large: stop reading; the answer closes the connection.
      if (size >= limit) {
        req.pause();
        done();
      }
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('error', reject);
  });
}

/** Writes a Fetch Response to a Node response; `Vary` values already set by the host are kept. */
export async function sendFetchResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name === 'vary') {
      const existing = res.getHeader('vary');
      res.setHeader('Vary', existing ? `${existing}, ${value}` : value);
    } else {
      res.setHeader(name, value);
    }
  });
  // The core's JSON text goes out as a string: Node then writes the head and the body in one
  // piece, with no Buffer to make first.
  const text = responseTextOf(response);
  const body =
    text !== undefined ? text : response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (body !== undefined) res.setHeader('Content-Length', Buffer.byteLength(body));
  // A body left unread (read only far enough to refuse it as too large) would be taken as
  // the start of the next request on a kept-alive connection: close this one instead.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  res.end(body);
}
