import { SCOPE_ACTIONS, SCOPES } from '@s3up/contract';
import { describe, expect, it } from 'vitest';
import { browserCors, ROLE_ACTIONS, uploaderRolePolicy, uploaderTrustPolicy } from '../../src/provision.js';

describe('provisioning documents', () => {
  it('exposes ETag to browsers, without which multipart uploads cannot complete', () => {
    const [rule] = browserCors(['http://localhost:5173']).CORSRules;
    expect(rule?.ExposeHeaders).toContain('ETag');
    expect(rule?.AllowedOrigins).toEqual(['http://localhost:5173']);
  });

  it('lets only the token service assume the uploader role', () => {
    const trust = uploaderTrustPolicy('arn:aws:iam:::user/tokensvc');
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam:::user/tokensvc'] }, Action: ['sts:AssumeRole'] },
    ]);
  });

  it('scopes the role policy to one bucket', () => {
    const resources = uploaderRolePolicy('b').Statement.flatMap((s) => s.Resource);
    expect(resources).toEqual(['arn:aws:s3:::b', 'arn:aws:s3:::b/*']);
  });

  it("gives the local role every scope's actions (the contract's SCOPE_ACTIONS), delete included", () => {
    const actions = uploaderRolePolicy('b').Statement.flatMap((s) => s.Action);
    for (const scope of SCOPES) for (const action of SCOPE_ACTIONS[scope]) expect(actions).toContain(action);
    expect(actions).toEqual(ROLE_ACTIONS);
    expect(actions).toContain('s3:DeleteObject');
  });
});
