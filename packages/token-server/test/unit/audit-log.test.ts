import { describe, expect, it } from 'vitest';
import { createAuditLogger, type IssuanceRecord, type RefusalRecord } from '../../src/audit-log.js';

function logger() {
  const lines: string[] = [];
  const audit = createAuditLogger({ destination: { write: (line: string) => void lines.push(line) } });
  return { audit, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const issuance: IssuanceRecord = {
  kind: 'credentials',
  requestId: 'r-1',
  userId: 'alice',
  scope: 'upload',
  bucket: 'b',
  prefix: 'users/alice/',
  durationSeconds: 3600,
  expiration: '2026-12-06T18:00:00.000Z',
  accessKeyId: 'ASIAEXAMPLE',
  policySha256: 'abc',
  packedPolicySize: 7,
  cache: 'hit',
  ip: '203.0.113.7',
  userAgent: 'suite/1',
};

describe('audit lines', () => {
  it('an issuance is one line with every field of its record, in the documented order', () => {
    const { audit, lines, parsed } = logger();
    audit.issued(issuance);
    expect(lines).toHaveLength(1);
    const [line] = parsed() as [Record<string, unknown>];
    expect(line).toMatchObject({ level: 'info', service: 's3up-token-server', msg: 'issued' });
    expect(line.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    const { level, time, service, msg, ...fields } = line;
    expect(fields).toEqual({ event: 'credentials.issued', ...issuance });
    expect(Object.keys(fields)).toEqual([
      'event',
      'kind',
      'requestId',
      'userId',
      'scope',
      'bucket',
      'prefix',
      'durationSeconds',
      'expiration',
      'accessKeyId',
      'policySha256',
      'packedPolicySize',
      'cache',
      'ip',
      'userAgent',
    ]);
  });

  it('fields outside the record types never print, nor objects in a known field (a secret passed by mistake)', () => {
    const { audit, lines } = logger();
    audit.issued({
      ...issuance,
      secretAccessKey: 'SECRET-KEY',
      sessionToken: 'SESSION-TOKEN',
      credentials: { secretAccessKey: 'NESTED-SECRET' },
      userAgent: { toString: () => 'NOT-A-STRING' },
    } as unknown as IssuanceRecord);
    audit.refused({
      kind: 'credentials',
      status: 401,
      code: 'unauthorized',
      authorization: 'Bearer TOKEN',
    } as unknown as RefusalRecord);
    const text = lines.join('');
    for (const secret of ['SECRET-KEY', 'SESSION-TOKEN', 'NESTED-SECRET', 'NOT-A-STRING', 'TOKEN'])
      expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', userId: 'alice' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ event: 'credentials.refused', status: 401 });
  });

  it('a PackedPolicySize above the threshold is a warning; other events keep pino redaction', () => {
    const { audit, parsed } = logger();
    audit.issued({ ...issuance, packedPolicySize: 91 });
    audit.event('warn', 'sts.error', { name: 'Throttling', secret: 'hidden', nested: { sessionToken: 'x' } });
    const [issued, event] = parsed() as [Record<string, unknown>, Record<string, unknown>];
    expect(issued).toMatchObject({ level: 'warn', event: 'credentials.issued', packedPolicySize: 91 });
    expect(event).toMatchObject({
      level: 'warn',
      event: 'sts.error',
      secret: '[redacted]',
      nested: { sessionToken: '[redacted]' },
    });
  });

  it('flush resolves once written lines reached the destination', async () => {
    const { audit, lines } = logger();
    audit.refused({ kind: 'request', status: 404, code: 'not_found' });
    await audit.flush?.();
    expect(lines).toHaveLength(1);
  });
});
