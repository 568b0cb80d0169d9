/**
 * A request as the core reads it: method, URL, headers by lower-case name, and the body
 * bytes when the host already read them. Fetch hosts (Hono, Next.js, Lambda, the handler
 * itself) wrap their `Request`; s3up's Node adapters wrap Node's `IncomingMessage` directly
 * (`adapters/node-io.ts`), so the cached `/credentials` path builds no `Request`, `Headers`
 * or web stream: issue 21's profile found those at about a fifth of that path's CPU. Both
 * give the core the same view, so behaviour is the same on every host.
 */
export interface CoreRequest {
  readonly method: string;
  /** The full URL the client asked for. */
  readonly url: string;
  /** One header by lower-case name (repeated ones joined with `, `), or null. */
  header(name: string): string | null;
  /** Every header by lower-case name, as authenticators get them. */
  headerRecord(): Record<string, string>;
  /** The web-standard Request (built on first use by the Node adapters; its body is already read there). */
  readonly fetchRequest: Request;
  /** The body, when the host read it already (at most the core's limit + 1 byte); else the core reads `fetchRequest.body`. */
  readonly bodyBytes: Uint8Array | undefined;
}

/** The core's view of a Fetch Request: its body is read from the Request's stream. */
export function fromFetchRequest(request: Request): CoreRequest {
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name),
    headerRecord() {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return headers;
    },
    fetchRequest: request,
    bodyBytes: undefined,
  };
}
