import type { AuditLogger, RefusalRecord } from '../audit-log.js';

interface Window {
  endsAt: number;
  /** Refusals after the first one, not yet written. */
  suppressed: number;
  first: RefusalRecord;
}

/**
 * 429 refusals under a flood, one audit line per rate-limit key and window instead of one
 * per request, so a client cannot grow the log at will: the first refusal of a window is
 * written as it happens, the rest are counted and written as one `rate_limit.summary` line
 * (key, window end, count) when the window is over. `flush()` writes what is pending
 * (a server closing); a timer (unref'd) writes it when no further request comes.
 */
export class FloodSummary {
  readonly #windows = new Map<string, Window>();
  readonly #audit: AuditLogger;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(audit: AuditLogger, now: () => number) {
    this.#audit = audit;
    this.#now = now;
  }

  /** Records one 429 for `key` whose window ends at `endsAt`. */
  refused(key: string, endsAt: number, record: RefusalRecord): void {
    this.#flushEnded();
    const window = this.#windows.get(key);
    if (window && window.endsAt === endsAt) {
      window.suppressed += 1;
      return;
    }
    if (window) this.#write(key, window);
    // Bounded: with a flood of distinct keys, write what is held rather than grow.
    if (this.#windows.size >= 10_000) this.flush();
    this.#windows.set(key, { endsAt, suppressed: 0, first: record });
    this.#audit.refused({ ...record, rateLimitKey: key });
    this.#schedule(endsAt);
  }

  /** Writes every pending summary now. */
  flush(): void {
    for (const [key, window] of this.#windows) this.#write(key, window);
    this.#windows.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #flushEnded(): void {
    const now = this.#now();
    for (const [key, window] of this.#windows) {
      if (window.endsAt > now) continue;
      this.#write(key, window);
      this.#windows.delete(key);
    }
  }

  #write(key: string, window: Window): void {
    if (window.suppressed === 0) return;
    this.#audit.event('warn', 'rate_limit.summary', {
      kind: window.first.kind,
      rateLimitKey: key,
      windowEndsAt: new Date(window.endsAt).toISOString(),
      // The first refusal was written on its own line; these are the rest.
      refusedMore: window.suppressed,
      status: 429,
      code: 'rate_limited',
    });
    window.suppressed = 0;
  }

  #schedule(endsAt: number): void {
    if (this.#timer) return;
    const delay = Math.max(0, endsAt - this.#now()) + 10;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushEnded();
      const next = Math.min(...[...this.#windows.values()].map((w) => w.endsAt));
      if (Number.isFinite(next)) this.#schedule(next);
    }, delay);
    this.#timer.unref?.();
  }
}
