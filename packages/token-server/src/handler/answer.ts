/**
 * What the core answers, before any host's response type: status, headers by lower-case
 * name, and the body text (JSON; none for 204). Fetch hosts get it as a `Response`
 * (`toResponse`); s3up's Node adapters write it to Node's `ServerResponse` as it is, with no
 * `Response`, `Headers` or web stream made for it (`adapters/node-io.ts`).
 */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string | undefined;
}

export function toResponse(answer: Answer): Response {
  return new Response(answer.text ?? null, { status: answer.status, headers: answer.headers });
}
