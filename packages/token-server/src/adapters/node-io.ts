import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from '../handler/answer.js';
import type { CoreRequest } from '../handler/core-request.js';
import { BODY_LIMIT } from '../handler/middleware/body.js';

/**
 * Node's request as the core reads it (`CoreRequest`), with no Fetch `Request`, `Headers` or
 * web stream made for it: headers are read from Node's own object, the body is read here, at
 * most one byte past the core's limit (the core then answers 413 from the byte count), so a
 * flood of large bodies costs no more than 16 KiB each. A `Request` is built only if an
 * authenticator asks for one. `preParsed` is a body the host already parsed (Express's
 * `express.json()` ran before the router): it is re-serialized as JSON. `url` may be given
 * as a function: it is then called only if something reads the URL (an authenticator, or an
 * `Origin` header to compare), which a bearer-token request without `Origin` never does.
 */
export async function readNodeRequest(
  req: IncomingMessage,
  url: string | (() => string),
  preParsed?: { body: unknown },
): Promise<CoreRequest> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new NodeRequest(req, url, method, undefined, false);
  if (preParsed) {
    const b = preParsed.body;
    const body = Buffer.from(typeof b === 'string' || Buffer.isBuffer(b) ? b : JSON.stringify(b));
    // The stream's Content-Length described what the host read, not these bytes.
    return new NodeRequest(req, url, method, body, true);
  }
  return new NodeRequest(req, url, method, await readBounded(req, BODY_LIMIT + 1), false);
}

class NodeRequest implements CoreRequest {
  #fetchRequest: Request | undefined;
  #url: string | (() => string);

  constructor(
    readonly native: IncomingMessage,
    url: string | (() => string),
    readonly method: string,
    readonly bodyBytes: Uint8Array | undefined,
    readonly withoutContentLength: boolean,
  ) {
    this.#url = url;
  }

  get url(): string {
    if (typeof this.#url === 'function') this.#url = this.#url();
    return this.#url;
  }

  header(name: string): string | null {
    if (this.withoutContentLength && name === 'content-length') return null;
    return joined(this.native.headers[name]) ?? null;
  }

  headerRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    const headers: IncomingHttpHeaders = this.native.headers;
    for (const name in headers) {
      const value = joined(headers[name]);
      if (value !== undefined) record[name] = value;
    }
    if (this.withoutContentLength) delete record['content-length'];
    return record;
  }

  get fetchRequest(): Request {
    this.#fetchRequest ??= new Request(this.url, { method: this.method, headers: this.headerRecord() });
    return this.#fetchRequest;
  }
}

// Node gives arrays only for headers that may repeat as separate lines (set-cookie).
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function readBounded(req: IncomingMessage, limit: number): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', reject);
      resolve(chunks.length === 1 ? (chunks[0] as Buffer<ArrayBuffer>) : Buffer.concat(chunks));
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

/**
 * Writes the core's answer to a Node response in one `writeHead` and one `end`: Node then
 * sends head and body in one piece. A `Vary` the host already set is kept, with the core's
 * value added.
 */
export function writeAnswer(answer: Answer, res: ServerResponse): void {
  const headers: Record<string, string | number> = { ...answer.headers };
  const vary = res.getHeader('vary');
  if (vary !== undefined && headers.vary !== undefined) headers.vary = `${vary}, ${headers.vary}`;
  if (answer.text !== undefined) headers['content-length'] = Buffer.byteLength(answer.text);
  // A body left unread (read only far enough to refuse it as too large) would be taken as
  // the start of the next request on a kept-alive connection: close this one instead.
  if (!res.req.complete) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(answer.text);
}
