import { describe, expect, it, vi } from 'vitest';
import { Announcer } from '../../src/announcer.js';
import { formatBytes, formatDuration, formatSpeed, prepareFormatters } from '../../src/intl-units.js';

describe('Intl formatting', () => {
  it('sizes in decimal units, in the locale', () => {
    // Bytes in the style of the larger units: a space between number and unit ("0B of
    // 100B" beside "5 kB" read as two styles in the row's screenshots).
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(999, 'en')).toBe('999 B');
    expect(formatBytes(100, 'fr')).toBe('100\u202fo');
    expect(formatBytes(5000, 'en')).toBe('5 kB');
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB');
    expect(formatBytes(1_500_000, 'fr')).toBe('1,5\u202fMo');
    expect(formatBytes(1_500_000, 'de')).toBe('1,5 MB');
    expect(formatBytes(25_000_000_000, 'en')).toBe('25 GB');
  });

  it('speeds per second', () => {
    expect(formatSpeed(2_300_000, 'en')).toBe('2.3 MB/s');
    expect(formatSpeed(2_300_000, 'fr')).toBe('2,3\u202fMo/s');
    expect(formatSpeed(500, 'en')).toBe('500 B/s');
  });

  it('durations with at most two units', () => {
    expect(formatDuration(45, 'en')).toBe('45 sec');
    expect(formatDuration(125, 'en')).toBe('2 min, 5 sec');
    expect(formatDuration(3 * 3600 + 5 * 60 + 7, 'en')).toBe('3 hr, 5 min');
    expect(formatDuration(1800, 'de')).toBe('30 Min.');
  });
});

describe('Announcer', () => {
  it('batches news within its delay into one message', () => {
    vi.useFakeTimers();
    try {
      const spoken: string[][] = [];
      const announcer = new Announcer(
        (batch) => spoken.push(batch.map((a) => `${a.kind}:${a.name ?? ''}`)),
        400,
      );
      announcer.announce({ kind: 'added', name: 'a' });
      announcer.announce({ kind: 'added', name: 'b' });
      expect(spoken).toEqual([]);
      vi.advanceTimersByTime(400);
      expect(spoken).toEqual([['added:a', 'added:b']]);
      announcer.announce({ kind: 'finished', name: 'a' });
      announcer.dispose();
      vi.advanceTimersByTime(1000);
      expect(spoken).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('prepareFormatters', () => {
  it('builds the formatters ahead of need; each locale keeps its own (lists too)', () => {
    prepareFormatters('fr');
    prepareFormatters('en');
    expect(formatDuration(3900, 'fr')).toBe('1\u202fh et 5\u00a0min');
    expect(formatDuration(3900, 'en')).toBe('1 hr, 5 min');
    expect(formatBytes(1_500_000, 'fr')).toBe('1,5\u202fMo');
  });
});
