import { describe, expect, it } from 'vitest';
import { progressFigures, UploadProgressDisplay } from '../../src/upload-progress-display.js';

const MiB = 1024 * 1024;

describe('upload progress', () => {
  it('percent, bytes, speed and time left come from one reading and agree', () => {
    // The old log printed "0% (16 MiB of 100 MiB)": a quarter step shown with the live bytes.
    expect(progressFigures({ bytesUploaded: 16 * MiB, size: 100 * MiB, speed: 4 * MiB, eta: 21 })).toEqual({
      percent: 16,
      done: '16 MiB',
      size: '100 MiB',
      speed: '4.0 MiB/s',
      timeLeft: '21 s left',
    });
    expect(progressFigures({ bytesUploaded: 0, size: 0, speed: 0, eta: null }).percent).toBe(100);
    // No speed measured yet: no figure rather than a made-up one.
    expect(progressFigures({ bytesUploaded: 1, size: 10, speed: 0, eta: 5 })).toMatchObject({
      speed: '',
      timeLeft: '',
    });
    expect(progressFigures({ bytesUploaded: 10, size: 10, speed: 3, eta: 0 }).timeLeft).toBe('done');
  });

  it('on a log: plain lines at each 10 % step per file, none repeated', () => {
    let text = '';
    const display = new UploadProgressDisplay({ write: (s: string) => (text += s), isTTY: false });
    const task = { id: 't1', name: 'a.bin', size: 100 * MiB, speed: MiB, eta: 50, bytesUploaded: 0 };
    for (const mib of [0, 5, 9, 10, 15, 55, 100])
      display.update({ ...task, bytesUploaded: mib * MiB } as never);
    expect(text.split('\n').filter(Boolean)).toEqual([
      'a.bin: 0% (0 B of 100 MiB, 1.0 MiB/s, 50 s left)',
      'a.bin: 10% (10 MiB of 100 MiB, 1.0 MiB/s, 50 s left)',
      'a.bin: 55% (55 MiB of 100 MiB, 1.0 MiB/s, 50 s left)',
      'a.bin: 100% (100 MiB of 100 MiB)',
    ]);
  });
});
