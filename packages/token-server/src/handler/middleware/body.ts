import { TokenServerError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { CoreRequest } from '../core-request.js';

/** 16 KiB: a credentials, presign or receipt request is a few hundred bytes. */
export const BODY_LIMIT = 16 * 1024;

/**
 * Reads a POST body: JSON only, at most {@link BODY_LIMIT} bytes (counted as it streams,
 * so a missing or lying Content-Length changes nothing). With cookie auth, only a JSON
 * POST with an Origin header passes: a cross-site <form> can send neither.
 */
export function jsonBody(usesCookies: boolean) {
  return async function readJsonBody(rc: RequestContext): Promise<unknown> {
    const call = rc.call;
    const type = call.header('content-type');
    const json = type !== null && /^application\/json\s*(?:;|$)/i.test(type);
    if (usesCookies && (!json || call.header('origin') === null)) {
      throw new TokenServerError(
        'forbidden',
        'Cookie-authenticated requests must be JSON POSTs from an allowed origin.',
      );
    }
    // A compressed body is refused, never inflated: 16 KiB of gzip can hold gigabytes.
    const encoding = call.header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      throw new TokenServerError(
        'unsupported_media_type',
        'Send the body uncompressed, without a Content-Encoding header.',
      );
    }
    const declared = Number(call.header('content-length') ?? 0);
    const hasBody = declared > 0 || call.header('transfer-encoding') !== null;
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
    const text = await readText(call);
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

async function readText(call: CoreRequest): Promise<string> {
  const handed = call.bodyBytes;
  if (handed) {
    if (handed.byteLength > BODY_LIMIT) throw tooLarge();
    return new TextDecoder('utf-8', { fatal: false }).decode(handed);
  }
  const stream = call.fetchRequest.body;
  if (!stream) return '';
  const reader = stream.getReader();
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
