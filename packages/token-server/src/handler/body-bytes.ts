/**
 * Bodies the Node adapters already hold, handed to the core beside the Fetch objects instead
 * of inside them: building a Request or Response with a body creates a web stream, and
 * reading it back goes through that stream again, which was a tenth of a cached
 * /credentials request's CPU (issue 21's profile). Only s3up's own Node adapters use it;
 * every other host passes real bodies, which the core reads as before.
 */
const requestBodies = new WeakMap<Request, Uint8Array>();
const responseTexts = new WeakMap<Response, string>();

/** A Request whose body (already read by the adapter, at most the limit + 1 byte) travels beside it. */
export function withRequestBody(request: Request, body: Uint8Array): Request {
  requestBodies.set(request, body);
  return request;
}

/** The body an adapter read for this Request, if it was handed over that way. */
export function requestBodyOf(request: Request): Uint8Array | undefined {
  return requestBodies.get(request);
}

/** A Response whose text body is also kept beside it, for an adapter to write without reading it back. */
export function withResponseText(response: Response, text: string): Response {
  responseTexts.set(response, text);
  return response;
}

/** The text body kept beside a Response made by the core, if any. */
export function responseTextOf(response: Response): string | undefined {
  return responseTexts.get(response);
}
