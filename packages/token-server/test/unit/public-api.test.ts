import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as audit from '../../src/audit.js';
import * as root from '../../src/index.js';
import * as issuer from '../../src/issuer.js';
import * as policy from '../../src/policy.js';

// What the package promises its users, and nothing more: a new root export is a decision
// (add it here and to the README's Exports table), not a side effect of a refactor.
const ROOT = [
  'LocalPurgeSignal',
  'MemoryCredentialStore',
  'MemoryFailureHoldStore',
  'MemoryRateLimitStore',
  'TokenServerError',
  'configFromEnv',
  'createAuditLogger',
  'createTokenHandler',
  'createTokenRouter',
  'createTokenServer',
  'devAuthenticator',
  'isTokenServerError',
  'jwtAuthenticator',
];

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const exportsSection = readme.slice(
  readme.indexOf('## Exports'),
  readme.indexOf('## For tests in this workspace'),
);

describe('the public API', () => {
  it('the root exports only the hosting API', () => {
    expect(Object.keys(root).sort()).toEqual([...ROOT].sort());
  });

  it('internals stay internal: the policy builder, issuer, presigner and cache are not at the root', () => {
    for (const name of [
      'buildSessionPolicy',
      'CredentialIssuer',
      'CredentialCache',
      'Presigner',
      'scopedKey',
      'checkOptions',
      'classifyStsError',
      'resolveUserId',
      'roleSessionName',
      'clampDuration',
    ]) {
      expect((root as Record<string, unknown>)[name], name).toBeUndefined();
    }
  });

  it('the README names every root export and each subpath', () => {
    for (const name of ROOT.filter((n) => !n.startsWith('Memory') && n !== 'LocalPurgeSignal')) {
      expect(exportsSection, name).toContain(`\`${name}\``);
    }
    for (const subpath of ['policy', 'audit', 'issuer']) {
      expect(exportsSection).toContain(`\`@s3up/token-server/${subpath}\``);
    }
  });

  it('the Express-free subpaths export what the README lists', () => {
    expect(Object.keys(policy).sort()).toEqual(
      [
        'SCOPES',
        'SCOPE_ACTIONS',
        'SCOPE_TAG',
        'USER_TAG',
        'MAX_SESSION_POLICY_LENGTH',
        'TokenServerError',
        'actionsFor',
        'assertPrefix',
        'buildSessionPolicy',
        'buildTagRolePolicy',
        'isTokenServerError',
        'policyHash',
        'serializeSessionPolicy',
        'userPrefix',
        'writeOnceStatement',
      ].sort(),
    );
    expect(Object.keys(audit)).toEqual(['createAuditLogger']);
    expect(Object.keys(issuer)).toEqual(['CredentialIssuer']);
  });
});
