import type { UploadTask } from '@s3up/core';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Output } from './io.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * The figures of one line, all from the same reading of the task, so that percent, bytes,
 * speed and time left agree (speed and time left are the engine's own, smoothed).
 */
export function progressFigures(task: Pick<UploadTask, 'bytesUploaded' | 'size' | 'speed' | 'eta'>) {
  const percent = task.size > 0 ? Math.floor((task.bytesUploaded / task.size) * 100) : 100;
  const complete = task.bytesUploaded >= task.size;
  const measured = task.speed > 0 && !complete;
  return {
    percent,
    done: formatBytes(task.bytesUploaded),
    size: formatBytes(task.size),
    // No figure rather than a made-up one: before the first part, speed is not known yet.
    speed: measured ? `${formatBytes(Math.round(task.speed))}/s` : '',
    timeLeft: complete ? 'done' : measured ? `${formatEta(task.eta)} left` : '',
  };
}

/** How often a log (not a terminal) gets a line per file: every 10 %, so a long run stays readable. */
const LOG_STEP_PERCENT = 10;

/**
 * Progress of every file on standard error: bars redrawn in place on a terminal
 * (cli-progress, one line per file), plain lines on a log (CI, a pipe, a server job) at
 * each 10 % and at the end. Standard output is left to the results.
 */
export class UploadProgressDisplay {
  readonly #out: Output;
  readonly #multi: MultiBar | undefined;
  readonly #bars = new Map<string, SingleBar>();
  readonly #logged = new Map<string, number>();

  constructor(out: Output) {
    this.#out = out;
    this.#multi = out.isTTY
      ? new MultiBar(
          {
            stream: out as NodeJS.WritableStream,
            // Not cli-progress's own {value}/{total}/{eta}: every figure comes from the engine's reading.
            format: '{name} [{bar}] {percentage}% {done} of {size}  {speed}  {timeLeft}',
            hideCursor: true,
            // The bars go at the end; each file's own final line (stored, failed, paused) stays.
            clearOnComplete: true,
            stopOnComplete: false,
            autopadding: true,
            barsize: 24,
          },
          Presets.shades_classic,
        )
      : undefined;
  }

  /** Names padded to one width, so the bars of several files line up. */
  #width = 0;

  /** Announces the files up front (their bars line up). */
  add(tasks: readonly UploadTask[]): void {
    this.#width = Math.max(this.#width, ...tasks.map((t) => t.name.length));
    for (const task of tasks) this.update(task);
  }

  update(task: UploadTask): void {
    const figures = progressFigures(task);
    if (this.#multi) {
      const payload = { ...figures, name: task.name.padEnd(this.#width) };
      let bar = this.#bars.get(task.id);
      if (!bar) {
        bar = this.#multi.create(task.size, 0, payload);
        this.#bars.set(task.id, bar);
      }
      bar.update(task.bytesUploaded, payload);
      return;
    }
    const step = Math.floor(figures.percent / LOG_STEP_PERCENT) * LOG_STEP_PERCENT;
    if (step <= (this.#logged.get(task.id) ?? -1)) return;
    this.#logged.set(task.id, step);
    const rate = figures.speed ? `, ${figures.speed}, ${figures.timeLeft}` : '';
    this.#out.write(`${task.name}: ${figures.percent}% (${figures.done} of ${figures.size}${rate})\n`);
  }

  /** A final line for a file (stored, failed, paused), above the bars on a terminal. */
  line(text: string): void {
    if (this.#multi) {
      this.#multi.log(`${text}\n`);
      // Logged lines are written on the next redraw: draw now, so none is lost at the end.
      this.#multi.update();
    } else this.#out.write(`${text}\n`);
  }

  stop(): void {
    this.#multi?.update();
    this.#multi?.stop();
  }
}
