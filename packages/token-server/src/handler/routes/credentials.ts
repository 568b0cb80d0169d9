import type { IssuedCredentialsResponse } from '@s3up/contract';
import { z } from 'zod';
import type { AuditLogger } from '../../audit-log.js';
import type { CredentialIssuer } from '../../credential-issuer.js';
import { SCOPES, type Scope } from '../../session-policy.js';
import type { Answer } from '../answer.js';
import type { RequestContext } from '../context.js';
import type { scopeGate } from '../scope-gate.js';
import { parseBody } from './parse-body.js';

const credentialsBody = z.strictObject({
  scope: z.enum(SCOPES as [Scope, ...Scope[]]).optional(),
  // S3 refused a session that had not expired (revoked, or the backend lost it): the client
  // names its access key id so a cached copy is replaced instead of handed out again.
  refusedAccessKeyId: z
    .string()
    .regex(
      /^[A-Za-z0-9]{4,128}$/,
      'refusedAccessKeyId must be the access key id S3 refused (letters and digits)',
    )
    .optional(),
});
const credentialsBodyWithDuration = credentialsBody.extend({
  durationSeconds: z.number().int().positive().max(43_200).optional(),
});

export interface CredentialsRouteOptions {
  issuer: CredentialIssuer;
  audit: AuditLogger;
  requireScope: ReturnType<typeof scopeGate>;
  /** The scopes the operator enabled, told to clients so they ask only for what they can get. */
  offeredScopes: readonly Scope[];
  allowClientDuration: boolean;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Whether `POST /uploads` is served (told to clients so they report finished uploads). */
  receipts: boolean;
  now: () => number;
}

/** `POST /credentials`: temporary keys for one scope inside the user's prefix (docs/contracts.md). */
export function credentialsRoute(o: CredentialsRouteOptions) {
  return async function credentials(rc: RequestContext, userId: string, raw: unknown): Promise<Answer> {
    const body: {
      scope?: Scope | undefined;
      durationSeconds?: number | undefined;
      refusedAccessKeyId?: string | undefined;
    } = o.allowClientDuration ? parseBody(credentialsBodyWithDuration, raw) : parseBody(credentialsBody, raw);
    const scope = body.scope ?? 'upload';
    rc.scope = scope;
    o.requireScope(scope, `Credentials for "${scope}"`);
    const issued = await o.issuer.issue({
      userId,
      scope,
      // Only ever shorter than the operator's default.
      ...(body.durationSeconds === undefined
        ? {}
        : { durationSeconds: Math.min(body.durationSeconds, o.issuer.durations.defaultSeconds) }),
      ...(body.refusedAccessKeyId === undefined ? {} : { refusedAccessKeyId: body.refusedAccessKeyId }),
    });
    const c = issued.credentials;
    const expiration = c.expiration.toISOString();
    o.audit.issued({
      kind: 'credentials',
      ...rc.trail(),
      userId,
      scope,
      bucket: o.issuer.bucket,
      prefix: issued.prefix,
      durationSeconds: issued.durationSeconds,
      expiration,
      accessKeyId: c.accessKeyId,
      ...(issued.policySha256 ? { policySha256: issued.policySha256 } : {}),
      ...(issued.packedPolicySize === undefined ? {} : { packedPolicySize: issued.packedPolicySize }),
      cache: issued.cache,
      ...(issued.replacedAccessKeyId ? { replacedAccessKeyId: issued.replacedAccessKeyId } : {}),
    });
    return rc.answer(200, answerText(o, issued, scope, expiration, new Date(o.now()).toISOString()));
  };
}

/**
 * The answer's JSON around `serverTime`, kept per issued session: a cached session is served
 * many times and only its `serverTime` changes, so the rest (the 700-character session token
 * among it) is serialized once instead of on every request (issue 21: drop work the cached
 * path does not need). The text is what `JSON.stringify` gives for the whole answer, in the
 * same key order.
 */
interface AnswerText {
  head: string;
  tail: string;
  scope: Scope;
  prefix: string;
  actions: readonly string[];
}
const answerTexts = new WeakMap<object, AnswerText>();

function answerText(
  o: CredentialsRouteOptions,
  issued: Awaited<ReturnType<CredentialIssuer['issue']>>,
  scope: Scope,
  expiration: string,
  serverTime: string,
): string {
  const c = issued.credentials;
  let text = answerTexts.get(c);
  if (!text || text.scope !== scope || text.prefix !== issued.prefix || text.actions !== issued.actions) {
    const head: Pick<
      IssuedCredentialsResponse,
      'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'
    > = {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration,
    };
    const tail: Omit<IssuedCredentialsResponse, keyof typeof head | 'serverTime'> = {
      bucket: o.issuer.bucket,
      region: o.issuer.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.forcePathStyle ? { forcePathStyle: true } : {}),
      requestChecksumCalculation: o.checksums,
      prefix: issued.prefix,
      scope,
      actions: issued.actions,
      offeredScopes: [...o.offeredScopes],
      ...(o.receipts && scope === 'upload' ? { receipts: true } : {}),
      ...(o.issuer.writeOnceFor(scope) ? { writeOnce: true } : {}),
    };
    text = {
      head: JSON.stringify(head).slice(0, -1),
      tail: JSON.stringify(tail).slice(1),
      scope,
      prefix: issued.prefix,
      actions: issued.actions,
    };
    answerTexts.set(c, text);
  }
  return `${text.head},"serverTime":${JSON.stringify(serverTime)},${text.tail}`;
}
