/**
 * What a set of credentials is for. `upload` is the default; the operator enables the
 * others. `delete` is opt-in like `read` and `list`, and never implied by another scope.
 */
export type Scope = 'upload' | 'read' | 'list' | 'delete';

/** Every scope, in policy order. */
export const SCOPES: readonly Scope[] = Object.freeze(['upload', 'read', 'list', 'delete'] as const);

/**
 * The minimum actions per scope. `s3:PutObject` also covers CreateMultipartUpload,
 * UploadPart and CompleteMultipartUpload; ListMultipartUploadParts lets a client resume
 * an upload whose UploadId it kept. Only `delete` grants DeleteObject: an upload, read or
 * list credential that leaks cannot erase anything. `delete` also carries
 * AbortMultipartUpload so that removing a file can drop an upload of it still in flight.
 */
export const SCOPE_ACTIONS: Readonly<Record<Scope, readonly string[]>> = Object.freeze({
  upload: Object.freeze(['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']),
  read: Object.freeze(['s3:GetObject']),
  list: Object.freeze(['s3:ListBucket']),
  delete: Object.freeze(['s3:DeleteObject', 's3:AbortMultipartUpload']),
});

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The actions a scope (or set of scopes) grants, in policy order, each once. */
export function actionsFor(scope: Scope | readonly Scope[]): string[] {
  const scopes = typeof scope === 'string' ? [scope] : [...new Set(scope)];
  return [...new Set(scopes.flatMap((s) => [...SCOPE_ACTIONS[s]]))];
}
