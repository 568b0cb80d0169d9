// When the element redraws (src/render-schedule.ts). Rows whose uploads start at once are
// drawn once their first requests are out (`release()`, called on the engine's first event
// after the start) or after START_HOLD_MS, so that their first render and layout do not hold
// up the credentials answer and CreateMultipartUpload (issue 21, first byte); every redraw
// asked for meanwhile joins that one. Driven with fake timers: what is asserted is which
// redraws happen and in what order, not how long anything takes.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { RenderSchedule, START_HOLD_MS } from '../../src/render-schedule.js';

let renders = 0;
let schedule: RenderSchedule;

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'],
  });
  renders = 0;
  schedule = new RenderSchedule(() => {
    renders += 1;
  });
});

afterEach(() => {
  schedule.cancel();
  vi.useRealTimers();
});

it('holds the redraw of started rows until release(), then draws once, in a task of its own', () => {
  schedule.holdForStart();
  // Other changes meanwhile (the engine's upload-started, a progress event) join the held redraw.
  schedule.soon();
  schedule.afterThisTask();
  schedule.forProgress();
  vi.advanceTimersByTime(START_HOLD_MS - 1);
  expect(renders).toBe(0);
  schedule.release();
  // Not inside the caller's task (the engine's event): right after it.
  expect(renders).toBe(0);
  vi.advanceTimersByTime(0);
  expect(renders).toBe(1);
  // Nothing left pending: the hold's own timer is gone too.
  vi.advanceTimersByTime(START_HOLD_MS * 4);
  expect(renders).toBe(1);
});

it('draws the held rows after START_HOLD_MS when nothing releases them (a slow credentials endpoint)', () => {
  schedule.holdForStart();
  vi.advanceTimersByTime(START_HOLD_MS - 1);
  expect(renders).toBe(0);
  vi.advanceTimersByTime(1);
  expect(renders).toBe(1);
  // A later release (the first bytes after all) asks for nothing more.
  schedule.release();
  vi.advanceTimersByTime(START_HOLD_MS);
  expect(renders).toBe(1);
  // And the schedule works as before afterwards.
  schedule.soon();
  vi.advanceTimersToNextFrame();
  expect(renders).toBe(2);
});

it('a hold replaces a redraw already asked for, and cancel() drops it', () => {
  schedule.soon();
  schedule.holdForStart();
  vi.advanceTimersToNextFrame();
  expect(renders).toBe(0);
  schedule.cancel();
  vi.advanceTimersByTime(START_HOLD_MS * 2);
  expect(renders).toBe(0);
});

it('without a hold, release() does nothing and rows just added draw right after the task', () => {
  schedule.release();
  vi.advanceTimersByTime(START_HOLD_MS);
  expect(renders).toBe(0);
  schedule.afterThisTask();
  vi.advanceTimersByTime(0);
  expect(renders).toBe(1);
});
