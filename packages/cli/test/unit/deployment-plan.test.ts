import { SCOPE_ACTIONS, SCOPES } from '@s3up/contract';
import { describe, expect, it } from 'vitest';
import { permissionPolicy, ROLE_ACTIONS } from '../../src/deployment-plan.js';

describe("the role's permission policy setup writes", () => {
  const policy = permissionPolicy({ bucket: 'uploads' });
  const allowed = (resource: string) =>
    policy.Statement.filter((s) => s.Resource.includes(resource)).flatMap((s) => s.Action);

  it("allows every scope's actions, so a scope the contract adds works without editing setup", () => {
    for (const scope of SCOPES)
      for (const action of SCOPE_ACTIONS[scope])
        expect(ROLE_ACTIONS, `${scope}: ${action}`).toContain(action);
    expect(ROLE_ACTIONS).toContain('s3:DeleteObject');
    // Each once, and nothing no scope grants.
    expect(new Set(ROLE_ACTIONS).size).toBe(ROLE_ACTIONS.length);
    expect([...ROLE_ACTIONS].sort()).toEqual([...new Set(SCOPES.flatMap((s) => SCOPE_ACTIONS[s]))].sort());
  });

  it('puts object actions on the objects and ListBucket on the bucket only', () => {
    expect(allowed('arn:aws:s3:::uploads')).toEqual(['s3:ListBucket']);
    expect(allowed('arn:aws:s3:::uploads/*')).not.toContain('s3:ListBucket');
    expect([...allowed('arn:aws:s3:::uploads/*'), 's3:ListBucket'].sort()).toEqual([...ROLE_ACTIONS].sort());
  });
});
