import { describe, expect, it } from 'vitest';
import { AuditBuffer } from '../../src/server/audit-buffer.js';

describe("AuditBuffer (the operator panel's pino destination)", () => {
  it('parses JSON lines, numbers them, and returns those after a sequence number', () => {
    const audit = new AuditBuffer();
    audit.write(
      '{"event":"credentials.issued","userId":"alice"}\n{"event":"credentials.refused","status":401}\n',
    );
    expect(audit.since(0).map((e) => [e.seq, e.line.event])).toEqual([
      [1, 'credentials.issued'],
      [2, 'credentials.refused'],
    ]);
    expect(audit.since(1).map((e) => e.seq)).toEqual([2]);
    expect(audit.lastSeq).toBe(2);
  });

  it('joins a line split across writes', () => {
    const audit = new AuditBuffer();
    audit.write('{"event":"cred');
    expect(audit.since(0)).toEqual([]);
    audit.write('entials.issued"}\n');
    expect(audit.since(0)[0]?.line).toEqual({ event: 'credentials.issued' });
  });

  it('keeps only the newest lines up to its capacity, and keeps counting', () => {
    const audit = new AuditBuffer({ capacity: 2 });
    for (let i = 1; i <= 5; i++) audit.write(`{"n":${i}}\n`);
    expect(audit.since(0).map((e) => e.line.n)).toEqual([4, 5]);
    expect(audit.lastSeq).toBe(5);
  });

  it('keeps a line that is not JSON as its message, and copies every chunk to the tee', () => {
    const seen: string[] = [];
    const audit = new AuditBuffer({ tee: { write: (chunk: string) => seen.push(chunk) } });
    audit.write('plain words\n');
    expect(audit.since(0)[0]?.line).toEqual({ msg: 'plain words' });
    expect(seen).toEqual(['plain words\n']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new AuditBuffer({ capacity: 0 })).toThrow(/positive integer/);
  });
});
