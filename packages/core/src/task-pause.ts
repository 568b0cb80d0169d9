import { type Entry, Interruption, type TaskHost } from './task-entry.js';

/**
 * Pauses a task, keeping work (the `pauseGrace` option): parts that will all be sent within
 * `grace` at the measured speed finish, then the task is `paused`; meanwhile it is `pausing`.
 * `now`, no grace, a queued task or one not running pause at once.
 */
export function pauseTask(
  host: TaskHost,
  entry: Entry,
  reason: 'user' | 'offline',
  now: boolean,
  grace: number,
): void {
  const task = entry.upload.task;
  if (task.state !== 'uploading' && task.state !== 'queued') return;
  entry.pausedBy = reason;
  const controller = entry.controller;
  if (now || grace <= 0 || task.state === 'queued' || !controller) {
    task.state = 'pausing';
    settlePause(host, entry, controller);
    return;
  }
  task.state = 'pausing';
  host.emit('upload-pausing', { task });
  // A kept part stuck in retries must not hold the pause: past the grace and a margin, pause now.
  const timer = setTimeout(() => settlePause(host, entry, controller), grace + 2000);
  void entry.upload.drain(grace).then((outcome) => {
    clearTimeout(timer);
    if (outcome === 'finishing') {
      // Every part was stored within the grace: the upload completes rather than pauses.
      if (task.state === 'pausing' && entry.controller === controller) {
        task.state = 'uploading';
        entry.pausedBy = undefined;
        entry.resumeWhenPaused = false;
        host.emit('upload-resumed', { task });
      }
      return;
    }
    settlePause(host, entry, controller);
  });
}

/** The pause takes effect: every request of the run still in flight is aborted. */
export function settlePause(host: TaskHost, entry: Entry, controller: AbortController | undefined): void {
  const task = entry.upload.task;
  if (task.state !== 'pausing' || entry.controller !== controller) return;
  task.state = 'paused';
  controller?.abort(new Interruption('pause'));
  entry.upload.idle();
  host.emit('upload-paused', { task, reason: entry.pausedBy ?? 'user' });
  host.schedule();
  if (entry.resumeWhenPaused) {
    entry.resumeWhenPaused = false;
    host.resume(task.id);
  }
}
