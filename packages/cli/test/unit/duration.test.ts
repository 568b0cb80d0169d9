import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/duration.js';

describe('durations', () => {
  it('parses what operators type', () => {
    expect(parseDuration('90', '--expires')).toBe(90);
    expect(parseDuration('90s', '--expires')).toBe(90);
    expect(parseDuration('15m', '--expires')).toBe(900);
    expect(parseDuration('4h', '--expires')).toBe(14_400);
    expect(parseDuration('1.5h', '--expires')).toBe(5400);
    expect(parseDuration('7d', '--expires')).toBe(604_800);
  });
  it('names the flag when it cannot', () => {
    expect(() => parseDuration('two hours', '--expires')).toThrow(/--expires must be a duration/);
    expect(() => parseDuration('0s', '--expires')).toThrow(/at least 1 second/);
  });
  it('formats for messages', () => {
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
  });
});
