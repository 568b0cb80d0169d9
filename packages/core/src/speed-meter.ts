// Half of the weight goes to the last ~2 s: reacts to a real change within a few seconds
// without jumping at every progress event.
const HALF_LIFE_MS = 2000;
// Samples closer than this are merged: progress events can arrive microseconds apart.
const MIN_INTERVAL_MS = 250;

/** Bytes per second, exponentially smoothed over time. */
export class SpeedMeter {
  #speed = 0;
  #lastTime: number | undefined;
  #pending = 0;

  /** The smoothed speed; 0 before the first interval has passed. */
  get speed(): number {
    return this.#speed;
  }

  /** Counts `bytes` just sent (only real progress: bytes taken back are not subtracted). */
  add(bytes: number, now = Date.now()): void {
    if (this.#lastTime === undefined) {
      this.#lastTime = now;
      this.#pending = bytes;
      return;
    }
    this.#pending += bytes;
    const elapsed = now - this.#lastTime;
    if (elapsed < MIN_INTERVAL_MS) return;
    const rate = (this.#pending * 1000) / elapsed;
    const weight = 1 - 0.5 ** (elapsed / HALF_LIFE_MS);
    this.#speed = this.#speed === 0 ? rate : this.#speed + weight * (rate - this.#speed);
    this.#lastTime = now;
    this.#pending = 0;
  }

  /** Forgets the history (paused, finished): the next start measures afresh. */
  reset(): void {
    this.#speed = 0;
    this.#lastTime = undefined;
    this.#pending = 0;
  }
}
