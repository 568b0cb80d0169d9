import { describe, expect, it } from 'vitest';
import { formatBytes, ProgressBar } from '../../src/progress-bar.js';

class Sink {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(s: string) {
    this.text += s;
  }
}

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal', () => {
    const out = new Sink(true);
    const bar = new ProgressBar(out, 'a.bin', 8 * 1024 * 1024);
    bar.update(2 * 1024 * 1024);
    bar.update(8 * 1024 * 1024);
    bar.done('a.bin -> s3://b/k');
    expect(out.text.split('\r').length).toBe(4);
    expect(out.text).toContain(' 25% 2.0 MiB/8.0 MiB');
    expect(out.text).toContain('100%');
    expect(out.text).not.toContain('\n\r');
    expect(out.text.endsWith('a.bin -> s3://b/k\n')).toBe(true);
  });

  it('prints a short line per quarter in a log, never repeating one', () => {
    const out = new Sink(false);
    const bar = new ProgressBar(out, 'a.bin', 100);
    for (const n of [0, 10, 20, 30, 60, 61, 99, 100]) bar.update(n);
    expect(out.text.trim().split('\n')).toEqual([
      'a.bin: 0% (0 B of 100 B)',
      'a.bin: 25% (30 B of 100 B)',
      'a.bin: 50% (60 B of 100 B)',
      'a.bin: 75% (99 B of 100 B)',
      'a.bin: 100% (100 B of 100 B)',
    ]);
    expect(out.text).not.toContain('\r');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
});
