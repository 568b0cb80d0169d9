/** What a set of credentials is for. `upload` is the default; the operator enables the others. */
export type Scope = 'upload' | 'read' | 'list';

/** Every scope, in policy order. */
export const SCOPES: readonly Scope[] = Object.freeze(['upload', 'read', 'list'] as const);

/**
 * The minimum actions per scope. `s3:PutObject` also covers CreateMultipartUpload,
 * UploadPart and CompleteMultipartUpload; ListMultipartUploadParts lets a client resume
 * an upload whose UploadId it kept. No DeleteObject: an upload credential that leaks
 * cannot erase anything.
 */
export const SCOPE_ACTIONS: Readonly<Record<Scope, readonly string[]>> = Object.freeze({
  upload: Object.freeze(['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']),
  read: Object.freeze(['s3:GetObject']),
  list: Object.freeze(['s3:ListBucket']),
});

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The actions a scope (or set of scopes) grants, in policy order, each once. */
export function actionsFor(scope: Scope | readonly Scope[]): string[] {
  const scopes = typeof scope === 'string' ? [scope] : [...new Set(scope)];
  return [...new Set(scopes.flatMap((s) => [...SCOPE_ACTIONS[s]]))];
}
