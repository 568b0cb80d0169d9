import { TokenServerError } from '../../errors.js';
import { requestBodyOf } from '../body-bytes.js';
import type { RequestContext } from '../context.js';

/** 16 KiB: a credentials, presign or receipt request is a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

/**
 * Reads a POST body: JSON only, at most {@link BODY_LIMIT} bytes (counted as it streams,
 * so a missing or lying Content-Length changes nothing). With cookie auth, only a JSON
 * POST with an Origin header passes: a cross-site <form> can send neither.
 */
export function jsonBody(usesCookies: boolean) {
  return async function readJsonBody(rc: RequestContext): Promise<unknown> {
    const request = rc.request;
    const type = request.headers.get('content-type');
    const json = type !== null && /^application\/json\s*(?:;|$)/i.test(type);
    if (usesCookies && (!json || !request.headers.has('origin'))) {
      throw new TokenServerError(
        'forbidden',
        'Cookie-authenticated requests must be JSON POSTs from an allowed origin.',
      );
    }
    // A compressed body is refused, never inflated: 16 KiB of gzip can hold gigabytes.
    const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      throw new TokenServerError(
        'unsupported_media_type',
        'Send the body uncompressed, without a Content-Encoding header.',
      );
    }
    const declared = Number(request.headers.get('content-length') ?? 0);
    const hasBody = declared > 0 || request.headers.has('transfer-encoding');
    if (hasBody && !json) {
      throw new TokenServerError('unsupported_media_type', 'Send the body as application/json.');
    }
    if (json) {
      const charset = /;\s*charset=("?)([^";\s]+)\1/i.exec(type)?.[2];
      if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
        throw new TokenServerError('unsupported_media_type', 'Send the body as UTF-8 application/json.');
      }
    }
    if (declared > BODY_LIMIT) throw tooLarge();
    const text = await readText(request);
    // A Fetch Request built in code may carry a body without Content-Length: judge the bytes.
    if (text.length > 0 && !json) {
      throw new TokenServerError('unsupported_media_type', 'Send the body as application/json.');
    }
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new TokenServerError('bad_request', 'The body is not valid JSON.', { cause });
    }
  };
}

function tooLarge(): TokenServerError {
  return new TokenServerError('payload_too_large', `The body is larger than ${BODY_LIMIT} bytes.`);
}

async function readText(request: Request): Promise<string> {
  const handed = requestBodyOf(request);
  if (handed) {
    if (handed.byteLength > BODY_LIMIT) throw tooLarge();
    return new TextDecoder('utf-8', { fatal: false }).decode(handed);
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > BODY_LIMIT) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
