/** Kinds of news the live region reads out. Progress is deliberately not one of them. */
export type AnnouncementKind = 'added' | 'refused' | 'failed' | 'finished' | 'all-done' | 'details';

export interface Announcement {
  kind: AnnouncementKind;
  /** The file name, for messages about one file. */
  name?: string;
  /** The failure or refusal reason, already localized. */
  reason?: string;
}

/**
 * Collects news for the `aria-live` region and hands it over in batches: a screen reader
 * cut off by the next update reads nothing useful, and a folder of 500 files must be
 * "500 files added", not 500 messages. `flushDelay` (default 400 ms) is how long news is
 * gathered before it is spoken.
 */
export class Announcer {
  readonly #pending: Announcement[] = [];
  readonly #speak: (batch: readonly Announcement[]) => void;
  readonly #flushDelay: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(speak: (batch: readonly Announcement[]) => void, flushDelay = 400) {
    this.#speak = speak;
    this.#flushDelay = flushDelay;
  }

  announce(news: Announcement): void {
    this.#pending.push(news);
    this.#timer ??= setTimeout(() => this.flush(), this.#flushDelay);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    this.#speak(this.#pending.splice(0));
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.length = 0;
  }
}
