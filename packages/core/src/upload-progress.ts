import type { ProgressListener } from './s3-transport.js';
import { SpeedMeter } from './speed-meter.js';
import type { TaskModel } from './task-model.js';

/**
 * The byte count, speed and ETA of one task. Bytes of finished parts are `confirmed`;
 * bytes of requests in flight are counted per part until they finish or fail. The figure
 * shown (`task.bytesUploaded`) is monotonic: bytes of a failed attempt leave the actual
 * count, but the figure holds until the retry passes it again; it never exceeds the size.
 */
export class UploadProgress {
  readonly #task: TaskModel;
  readonly #onChange: () => void;
  readonly #meter = new SpeedMeter();
  readonly #inflight = new Map<number, number>();
  #confirmed = 0;
  #lastActual = 0;
  /** A request carrying this file's bytes has been handed to the network in this run. */
  #sending = false;

  readonly #onBytes: (bytes: number) => void;

  /**
   * `onChange` is called after each change of the figure shown; `onBytes` with each count
   * of bytes that just left (the uplink estimate of every file together).
   */
  constructor(task: TaskModel, onChange: () => void, onBytes: (bytes: number) => void = () => {}) {
    this.#task = task;
    this.#onChange = onChange;
    this.#onBytes = onBytes;
  }

  /** Bytes of part `partNumber` sent in its current attempt (0 when not in flight). */
  loaded(partNumber: number): number {
    return this.#inflight.get(partNumber) ?? 0;
  }

  /**
   * Shows the stored bytes and a speed at once (a resume): `speed` is the uplink's last
   * measured figure, until this run has measured its own.
   */
  show(speed: number): void {
    const task = this.#task;
    task.speed = speed;
    task.eta = speed > 0 ? Math.max(0, task.size - this.#confirmed) / speed : null;
    this.#onChange();
  }

  /** A new run: the speed is measured afresh. */
  restartMeter(): void {
    this.#meter.reset();
    this.#sending = false;
  }

  /**
   * The listener for the bytes of part `partNumber` (1 for PutObject) as they leave; the
   * transport calls it with 0 as it hands the request to the network. The first call of a
   * run is announced even when the figure did not move: a UI waiting for the upload's first
   * request to be out before it draws (the element's new rows) learns of it then, not at
   * the first progress event, which browsers send tens of milliseconds after the first bytes.
   */
  listener(partNumber: number, size: number): ProgressListener {
    return (loaded) => {
      if (loaded === 0) this.#inflight.delete(partNumber);
      else this.#inflight.set(partNumber, Math.min(loaded, size));
      const announced = this.#report();
      if (!this.#sending) {
        this.#sending = true;
        if (!announced) this.#onChange();
      }
    };
  }

  /** Part `partNumber` of `size` bytes is stored. */
  confirm(partNumber: number, size: number): void {
    this.#inflight.delete(partNumber);
    this.#confirmed += size;
    this.#report();
  }

  /** Starts counting from `confirmed` bytes already stored (a new upload: 0; a resumed one: its parts). */
  startFrom(confirmed: number): void {
    this.#inflight.clear();
    this.#confirmed = confirmed;
    this.#lastActual = confirmed;
    this.#task.bytesUploaded = Math.max(this.#task.bytesUploaded, confirmed);
  }

  /** Resumed parts are counted: tells the listener even if the figure did not move. */
  announce(): void {
    this.#onChange();
  }

  /** The whole file is stored. */
  settle(bytes: number): void {
    this.#task.reconnecting = false;
    this.#inflight.clear();
    this.#confirmed = bytes;
    this.#report();
    this.#task.speed = 0;
    this.#task.eta = 0;
  }

  /** Drops in-flight bytes from the count and zeroes the speed (after a pause or failure). */
  idle(): void {
    this.#inflight.clear();
    this.#meter.reset();
    this.#task.speed = 0;
    this.#task.eta = null;
  }

  /** Back to zero: the file starts over. */
  clear(): void {
    this.#confirmed = 0;
    this.#lastActual = 0;
    this.#inflight.clear();
    this.#task.bytesUploaded = 0;
  }

  /** Updates the figure shown; true when it changed (and `onChange` was called). */
  #report(): boolean {
    const task = this.#task;
    const wasReconnecting = task.reconnecting;
    let actual = this.#confirmed;
    for (const loaded of this.#inflight.values()) actual += loaded;
    if (actual > this.#lastActual) {
      // Bytes move: whatever was being retried got through.
      task.reconnecting = false;
      this.#meter.add(actual - this.#lastActual);
      this.#onBytes(actual - this.#lastActual);
    }
    this.#lastActual = actual;
    const shown = Math.min(task.size, Math.max(task.bytesUploaded, actual));
    const changed = shown !== task.bytesUploaded || wasReconnecting !== task.reconnecting;
    task.bytesUploaded = shown;
    // Until this run has measured its own speed, the figure shown at resume stands.
    if (this.#meter.speed > 0) task.speed = this.#meter.speed;
    task.eta = task.speed > 0 ? Math.max(0, task.size - actual) / task.speed : null;
    if (changed) this.#onChange();
    return changed;
  }
}
