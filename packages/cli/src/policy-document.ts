/**
 * IAM returns policy documents URL-encoded (AWS) or as plain JSON (Ceph RGW): accept both.
 */
export function parsePolicyDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  const candidates = [text];
  try {
    candidates.push(decodeURIComponent(text));
  } catch {
    // not URL-encoded
  }
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** JSON with sorted keys, for comparing documents regardless of key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?:
    | string
    | { AWS?: string | string[]; Service?: string | string[]; Federated?: string | string[] };
  Condition?: unknown;
}

export function statementsOf(document: unknown): PolicyStatement[] {
  const statement = (document as { Statement?: unknown } | undefined)?.Statement;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]) as PolicyStatement[];
}

export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** IAM wildcard match (`*` any run, `?` one character), case-sensitive like resource ARNs. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}

/** Whether a statement's actions cover `action` (`s3:*`, `*`, `s3:Put*`...). IAM actions are case-insensitive. */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  return asList(statement.Action).some((a) => wildcardMatch(a, action, true));
}
