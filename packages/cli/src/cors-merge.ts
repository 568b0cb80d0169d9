import type { CORSRule } from '@aws-sdk/client-s3';
import { canonicalJson } from './policy-document.js';

const union = (a: string[] | undefined, b: string[] | undefined) => [
  ...new Set([...(a ?? []), ...(b ?? [])]),
];

/**
 * The bucket's CORS rules with s3up's merged in, keeping the operator's own: `*` is
 * removed (every origin; `doctor` fails it), every rule that serves one of the app origins
 * gains the methods, headers and exposed headers uploads need (S3 answers a preflight
 * with the first matching rule, so an older narrower rule would otherwise win), and the
 * app origins missing from every rule are added to s3up's rule (found by its ID, or by
 * an app origin it lists on endpoints that drop rule IDs), or a new one.
 */
export function mergeCorsRules(current: CORSRule[], ours: CORSRule): CORSRule[] {
  const origins = ours.AllowedOrigins ?? [];
  const rules = current
    .map((r) => ({ ...r, AllowedOrigins: (r.AllowedOrigins ?? []).filter((o) => o !== '*') }))
    .filter((r) => r.AllowedOrigins.length > 0);
  const serves = (r: CORSRule) => (r.AllowedOrigins ?? []).some((o) => origins.includes(o));
  let home = rules.findIndex((r) => ours.ID !== undefined && r.ID === ours.ID);
  if (home === -1) home = rules.findIndex(serves);
  if (home === -1) return [...rules, ours];
  return rules.map((r, i) => {
    if (i !== home && !serves(r)) return r;
    return {
      ...r,
      AllowedOrigins: i === home ? union(r.AllowedOrigins, origins) : r.AllowedOrigins,
      AllowedMethods: union(r.AllowedMethods, ours.AllowedMethods),
      AllowedHeaders: union(r.AllowedHeaders, ours.AllowedHeaders),
      ExposeHeaders: union(r.ExposeHeaders, ours.ExposeHeaders),
      ...(r.MaxAgeSeconds === undefined && ours.MaxAgeSeconds !== undefined
        ? { MaxAgeSeconds: ours.MaxAgeSeconds }
        : {}),
    };
  });
}

/**
 * Rules in a comparable form: arrays sorted, and without IDs when `withIds` is false
 * (Ceph RGW does not return them, and a missing ID is not a difference worth a write).
 */
export function normalizeCorsRules(rules: CORSRule[], withIds: boolean): CORSRule[] {
  return rules.map((r) => ({
    ...(withIds && r.ID !== undefined ? { ID: r.ID } : {}),
    AllowedOrigins: [...(r.AllowedOrigins ?? [])].sort(),
    AllowedMethods: [...(r.AllowedMethods ?? [])].sort(),
    AllowedHeaders: [...(r.AllowedHeaders ?? [])].sort(),
    ExposeHeaders: [...(r.ExposeHeaders ?? [])].sort(),
    ...(r.MaxAgeSeconds !== undefined ? { MaxAgeSeconds: r.MaxAgeSeconds } : {}),
  }));
}

export function sameCorsRules(a: CORSRule[], b: CORSRule[]): boolean {
  const ids = a.some((r) => r.ID !== undefined) && b.some((r) => r.ID !== undefined);
  return canonicalJson(normalizeCorsRules(a, ids)) === canonicalJson(normalizeCorsRules(b, ids));
}
