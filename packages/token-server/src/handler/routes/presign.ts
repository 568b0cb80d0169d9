import { z } from 'zod';
import type { AuditLogger } from '../../audit-log.js';
import type { CredentialIssuer } from '../../credential-issuer.js';
import { TokenServerError } from '../../errors.js';
import type { Presigner } from '../../presigner.js';
import type { Answer } from '../answer.js';
import type { RequestContext } from '../context.js';
import { presignScope, type scopeGate } from '../scope-gate.js';
import { parseBody } from './parse-body.js';

const presignBody = z.strictObject({
  method: z.enum(['GET', 'PUT', 'POST']),
  key: z.string().min(1).max(1024),
  expiresIn: z.number().int().positive().max(604_800).optional(),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+(?:\s*;\s*[\w.+-]+=[\w.+"-]+)*$/)
    .optional(),
  maxSize: z.number().int().nonnegative().optional(),
});

/** `POST /presign`: one presigned GET, PUT or POST inside the user's prefix, if its scope is enabled. */
export function presignRoute(o: {
  presigner: Presigner | undefined;
  issuer: CredentialIssuer;
  audit: AuditLogger;
  requireScope: ReturnType<typeof scopeGate>;
}) {
  return async function presign(rc: RequestContext, userId: string, raw: unknown): Promise<Answer> {
    if (!o.presigner)
      throw new TokenServerError('not_found', 'Presigned URLs are not enabled on this server.');
    const body = parseBody(presignBody, raw);
    rc.scope = body.method;
    o.requireScope(presignScope(body.method), `A presigned ${body.method}`);
    const result = await o.presigner.presign(userId, body);
    o.audit.issued({
      kind: 'presign',
      ...rc.trail(),
      userId,
      method: body.method,
      bucket: o.issuer.bucket,
      prefix: o.issuer.prefixFor(userId),
      key: result.key,
      expiration: result.expiresAt,
    });
    return rc.json(200, result);
  };
}
