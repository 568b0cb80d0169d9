import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy-evaluation.js';

const resource = 'arn:aws:s3:::uploads/users/alice/file';
const now = new Date('2026-12-06T12:00:00Z');
const keys = { 'aws:tokenissuetime': now, 'aws:currenttime': now, 'aws:securetransport': true };
const allowPut = { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::uploads/*' };

describe('evaluate: IAM decisions as far as the policies tell', () => {
  it('allows what an Allow covers, and nothing else (implicit deny)', () => {
    expect(evaluate([allowPut], { action: 's3:PutObject', resource, keys }).decision).toBe('allowed');
    expect(evaluate([allowPut], { action: 's3:GetObject', resource, keys }).decision).toBe('not-allowed');
    expect(
      evaluate([allowPut], { action: 's3:PutObject', resource: 'arn:aws:s3:::other/x', keys }).decision,
    ).toBe('not-allowed');
  });

  it('an explicit Deny wins, with NotAction understood', () => {
    const deny = { Sid: 'OnlyReads', Effect: 'Deny', NotAction: 's3:Get*', Resource: '*' };
    expect(evaluate([allowPut, deny], { action: 's3:PutObject', resource, keys })).toEqual({
      decision: 'denied',
      by: 'statement "OnlyReads"',
    });
  });

  it("revoke's Deny (aws:TokenIssueTime before a past cut-off) does not touch a new session", () => {
    const revoke = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T00:00:00Z' } },
    };
    expect(evaluate([allowPut, revoke], { action: 's3:PutObject', resource, keys }).decision).toBe('allowed');
    const future = {
      ...revoke,
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2027-01-01T00:00:00Z' } },
    };
    expect(evaluate([allowPut, future], { action: 's3:PutObject', resource, keys }).decision).toBe('denied');
  });

  it('says when it cannot judge a condition, rather than guessing either way', () => {
    const vpc = {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
    };
    const decision = evaluate([allowPut, vpc], { action: 's3:PutObject', resource, keys });
    expect(decision.decision).toBe('cannot-judge');
    expect(decision.decision === 'cannot-judge' && decision.because[0]).toContain('statement 2');
    const onlyConditional = { ...allowPut, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    expect(evaluate([onlyConditional], { action: 's3:PutObject', resource, keys }).decision).toBe(
      'cannot-judge',
    );
  });

  it('understands Bool aws:SecureTransport', () => {
    const tlsOnly = {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    expect(evaluate([allowPut, tlsOnly], { action: 's3:PutObject', resource, keys }).decision).toBe(
      'allowed',
    );
    expect(
      evaluate([allowPut, tlsOnly], {
        action: 's3:PutObject',
        resource,
        keys: { ...keys, 'aws:securetransport': false },
      }).decision,
    ).toBe('denied');
  });
});
