import { asList, type PolicyStatement, wildcardMatch } from './policy-document.js';

/**
 * What IAM would decide for one request, as far as a reader of the policies can tell:
 * `denied` (an explicit Deny applies), `allowed`, `not-allowed` (no statement allows it:
 * IAM's implicit deny), or `cannot-judge` with the statements whose conditions this
 * evaluator does not understand. Explicit Deny wins over any Allow, as in IAM.
 */
export type Decision =
  | { decision: 'allowed' }
  | { decision: 'denied'; by: string }
  | { decision: 'not-allowed' }
  | { decision: 'cannot-judge'; because: string[] };

/** What is known about the request; a condition on anything else cannot be judged. */
export interface RequestContext {
  action: string;
  resource: string;
  /** Known condition keys, lower case (`aws:securetransport`, `aws:tokenissuetime`...). */
  keys?: Record<string, string | boolean | Date>;
}

type ConditionOutcome = boolean | 'unknown';

const DATE_OPS: Record<string, (a: number, b: number) => boolean> = {
  DateEquals: (a, b) => a === b,
  DateNotEquals: (a, b) => a !== b,
  DateLessThan: (a, b) => a < b,
  DateLessThanEquals: (a, b) => a <= b,
  DateGreaterThan: (a, b) => a > b,
  DateGreaterThanEquals: (a, b) => a >= b,
};

const STRING_OPS: Record<string, (value: string, pattern: string) => boolean> = {
  StringEquals: (v, p) => v === p,
  StringNotEquals: (v, p) => v !== p,
  StringEqualsIgnoreCase: (v, p) => v.toLowerCase() === p.toLowerCase(),
  StringLike: (v, p) => wildcardMatch(p, v),
  StringNotLike: (v, p) => !wildcardMatch(p, v),
};

/** One operator on one key. Negated operators hold when every value fails to match; others when one matches. */
function conditionHolds(
  operator: string,
  key: string,
  expected: unknown,
  context: RequestContext,
): ConditionOutcome {
  const known = context.keys?.[key.toLowerCase()];
  const values = asList(expected as string | string[]).map(String);
  const base = operator.replace(/IfExists$/, '');
  if (known === undefined) return operator.endsWith('IfExists') ? true : 'unknown';
  if (base in DATE_OPS && known instanceof Date) {
    const compare = DATE_OPS[base]!;
    const times = values.map((v) => Date.parse(v));
    if (times.some(Number.isNaN)) return 'unknown';
    return base === 'DateNotEquals'
      ? times.every((t) => compare(known.getTime(), t))
      : times.some((t) => compare(known.getTime(), t));
  }
  if (base === 'Bool' && typeof known === 'boolean') return values.some((v) => (v === 'true') === known);
  if (base in STRING_OPS && typeof known === 'string') {
    const test = STRING_OPS[base]!;
    return base.includes('Not') ? values.every((v) => test(known, v)) : values.some((v) => test(known, v));
  }
  return 'unknown';
}

/** All operators and keys of a Condition block must hold (IAM ANDs them). */
function conditionsHold(statement: PolicyStatement, context: RequestContext): ConditionOutcome {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  if (!condition || typeof condition !== 'object') return true;
  let unknown = false;
  for (const [operator, entries] of Object.entries(condition)) {
    if (typeof entries !== 'object' || entries === null) return 'unknown';
    for (const [key, expected] of Object.entries(entries)) {
      const outcome = conditionHolds(operator, key, expected, context);
      if (outcome === false) return false;
      if (outcome === 'unknown') unknown = true;
    }
  }
  return unknown ? 'unknown' : true;
}

function matchesAny(patterns: string[], value: string, ignoreCase: boolean): boolean {
  return patterns.some((p) => wildcardMatch(p, value, ignoreCase));
}

/** Whether the statement's Action/NotAction and Resource/NotResource cover the request. */
function applies(statement: PolicyStatement, context: RequestContext): boolean {
  const s = statement;
  const action =
    s.NotAction !== undefined
      ? !matchesAny(asList(s.NotAction), context.action, true)
      : matchesAny(asList(s.Action), context.action, true);
  if (!action) return false;
  if (s.NotResource !== undefined) return !matchesAny(asList(s.NotResource), context.resource, false);
  // A trust policy has no Resource: the role itself is the resource.
  return s.Resource === undefined || matchesAny(asList(s.Resource), context.resource, false);
}

function nameOf(statement: PolicyStatement, index: number): string {
  return statement.Sid ? `statement "${statement.Sid}"` : `statement ${index + 1}`;
}

/**
 * IAM's evaluation over identity (or trust) statements: explicit Deny first, then Allow.
 * A Deny whose condition cannot be judged makes the answer `cannot-judge` (it might deny);
 * so does an Allow that is the only way in and has such a condition.
 */
export function evaluate(statements: PolicyStatement[], context: RequestContext): Decision {
  const unsure: string[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== 'Deny' || !applies(s, context)) return;
    const holds = conditionsHold(s, context);
    if (holds === true) unsure.unshift(`\0deny:${nameOf(s, i)}`);
    else if (holds === 'unknown')
      unsure.push(`${nameOf(s, i)} (a Deny with a condition doctor cannot evaluate)`);
  });
  const deny = unsure.find((u) => u.startsWith('\0deny:'));
  if (deny) return { decision: 'denied', by: deny.slice('\0deny:'.length) };
  let allowed = false;
  const unsureAllows: string[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== 'Allow' || !applies(s, context)) return;
    const holds = conditionsHold(s, context);
    if (holds === true) allowed = true;
    else if (holds === 'unknown')
      unsureAllows.push(`${nameOf(s, i)} (an Allow with a condition doctor cannot evaluate)`);
  });
  if (unsure.length) return { decision: 'cannot-judge', because: unsure };
  if (allowed) return { decision: 'allowed' };
  if (unsureAllows.length) return { decision: 'cannot-judge', because: unsureAllows };
  return { decision: 'not-allowed' };
}
