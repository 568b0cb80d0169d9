interface Waiter {
  priority: number;
  order: number;
  grant: (release: () => void) => void;
  fail: (reason: unknown) => void;
}

/**
 * The one limit on requests in flight, shared by every file of an uploader. Waiters with
 * a lower `priority` (the file added first) go first, so files finish in the order they
 * were added instead of all crawling along together; equal priorities are first come,
 * first served.
 */
export class ConnectionBudget {
  readonly #size: number;
  #used = 0;
  #order = 0;
  readonly #waiters: Waiter[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Requests in flight now. */
  get used(): number {
    return this.#used;
  }

  /** Waits for a slot; the returned function gives it back (calling it twice is harmless). */
  acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#used < this.#size && this.#waiters.length === 0) {
      this.#used += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        order: this.#order++,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const at = this.#waiters.findIndex(
        (w) => w.priority > priority || (w.priority === priority && w.order > waiter.order),
      );
      if (at < 0) this.#waiters.push(waiter);
      else this.#waiters.splice(at, 0, waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used -= 1;
      const next = this.#waiters.shift();
      if (next) {
        this.#used += 1;
        next.grant(this.#releaser());
      }
    };
  }
}
