import { describe, expect, it } from 'vitest';
import { mergeCorsRules, sameCorsRules } from '../../src/cors-merge.js';
import { corsRules } from '../../src/deployment-plan.js';

const ours = corsRules(['https://app.example.com'])[0]!;

describe('mergeCorsRules', () => {
  it("keeps the operator's other rules and adds s3up's", () => {
    const partner = { AllowedOrigins: ['https://partner.example.org'], AllowedMethods: ['GET'] };
    expect(mergeCorsRules([partner], ours)).toEqual([partner, ours]);
  });

  it('removes "*" and drops a rule left with no origin', () => {
    const open = { AllowedOrigins: ['*'], AllowedMethods: ['GET'] };
    const mixed = { AllowedOrigins: ['*', 'https://x.example.org'], AllowedMethods: ['GET'] };
    const merged = mergeCorsRules([open, mixed], ours);
    expect(merged.flatMap((r) => r.AllowedOrigins)).toEqual([
      'https://x.example.org',
      'https://app.example.com',
    ]);
  });

  it('upgrades a narrower rule that serves an app origin (S3 answers with the first match), keeping its extra origins', () => {
    const narrow = {
      AllowedOrigins: ['https://app.example.com', 'https://old.example.org'],
      AllowedMethods: ['GET'],
    };
    const [merged, ...rest] = mergeCorsRules([narrow], ours);
    expect(rest).toEqual([]);
    expect(merged!.AllowedOrigins).toEqual(['https://app.example.com', 'https://old.example.org']);
    expect(merged!.ExposeHeaders).toContain('ETag');
    expect(merged!.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']));
  });

  it('is idempotent, also when the endpoint drops rule IDs', () => {
    const once = mergeCorsRules([], ours);
    const withoutIds = once.map(({ ID: _, ...r }) => r);
    expect(sameCorsRules(withoutIds, mergeCorsRules(withoutIds, ours))).toBe(true);
  });
});
