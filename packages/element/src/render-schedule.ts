/**
 * Progress redraws the list at most this often: 4 times a second. A bar redrawn on every
 * animation frame cost the upload 1 to 1.5 ms of main-thread CPU per MiB (issue 21's
 * profile); a person reads a number four times a second fine. `s3-upload-progress` events
 * are not throttled, and every other change (a row finished, failed) redraws on the next
 * frame; rows just added, right after the task that added them (`afterThisTask`), or,
 * when their uploads start at once, once their first requests are out (`holdForStart`).
 */
export const PROGRESS_RENDER_MS = 250;

/**
 * The longest the first draw of rows just added waits for their uploads' first requests to
 * go out: 50 ms, well within the 100 ms in which a response to a pick still reads as
 * immediate. Over a real network the credentials alone take longer, so the rows draw while
 * the page waits for them; on a fast link the requests are out first (issue 21, first byte).
 */
export const START_HOLD_MS = 50;

/**
 * When the element redraws: changes are batched to one render per animation frame (so
 * thousands of progress events a second cost one update), progress alone to one per
 * `PROGRESS_RENDER_MS`; hidden tabs, which get no frames, render at once.
 */
export class RenderSchedule {
  readonly #render: () => void;
  #frame: number | undefined;
  /** A redraw queued as a task of its own (`afterThisTask`). */
  #task: ReturnType<typeof setTimeout> | undefined;
  #progressTimer: ReturnType<typeof setTimeout> | undefined;
  /** A redraw held while uploads just started send their first requests (`holdForStart`). */
  #held: ReturnType<typeof setTimeout> | undefined;
  #lastRender = Number.NEGATIVE_INFINITY;

  /** `render` asks the host to update. */
  constructor(render: () => void) {
    this.#render = render;
  }

  /** A redraw on the next frame. */
  soon(): void {
    if (this.#frame !== undefined || this.#task !== undefined || this.#held !== undefined) return;
    // Hidden tabs get no animation frames: fall back to a timer so the list still updates.
    if (document.visibilityState === 'hidden') {
      this.#now();
      return;
    }
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      this.#now();
    });
  }

  /**
   * A redraw in a task of its own, right after the current one, for files just added. The
   * engine's first request (credentials) goes out in this task's microtasks, and the new rows
   * render while it travels. On the next frame instead, the rows' first render (about 10 ms
   * of script on a page that has drawn none) and that frame's layout ran as one long task
   * that the credentials answer waited behind: issue 21's probe measured the answer taken up
   * a median 17 ms after it arrived, 10 ms with this.
   */
  afterThisTask(): void {
    if (this.#task !== undefined || this.#held !== undefined) return;
    if (document.visibilityState === 'hidden') {
      this.#now();
      return;
    }
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#task = setTimeout(() => {
      this.#task = undefined;
      this.#now();
    }, 0);
  }

  /**
   * The redraw of rows whose uploads have just started, held until `release()` (the
   * engine reports their first part handed to the browser, or they stopped) or START_HOLD_MS, whichever comes first; other
   * redraws asked for meanwhile join it. Drawn at once instead, the new rows' first render
   * and its frame's layout (10 to 20 ms of main thread on a page that has drawn no row; more
   * than the credentials take on a fast link) held up the credentials answer, and with it
   * CreateMultipartUpload and the first part: issue 21's probe marks showed the answer
   * taken up a median 5 ms (up to 22 ms) after it arrived.
   */
  holdForStart(): void {
    if (this.#held !== undefined) return;
    if (document.visibilityState === 'hidden') {
      this.#now();
      return;
    }
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    clearTimeout(this.#task);
    this.#task = undefined;
    this.#held = setTimeout(() => {
      this.#held = undefined;
      this.#now();
    }, START_HOLD_MS);
  }

  /** The held redraw (`holdForStart`), if any, happens now: in a task of its own. */
  release(): void {
    if (this.#held === undefined) return;
    clearTimeout(this.#held);
    this.#held = undefined;
    this.afterThisTask();
  }

  /** A redraw for progress alone: at most one per PROGRESS_RENDER_MS. */
  forProgress(): void {
    if (
      this.#frame !== undefined ||
      this.#task !== undefined ||
      this.#held !== undefined ||
      this.#progressTimer !== undefined
    )
      return;
    const wait = this.#lastRender + PROGRESS_RENDER_MS - performance.now();
    if (wait <= 0) {
      this.soon();
      return;
    }
    this.#progressTimer = setTimeout(() => {
      this.#progressTimer = undefined;
      this.soon();
    }, wait);
  }

  /** Drops the pending redraws (the element left the page; uploads go on). */
  cancel(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    clearTimeout(this.#task);
    this.#task = undefined;
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    clearTimeout(this.#held);
    this.#held = undefined;
  }

  #now(): void {
    this.#lastRender = performance.now();
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    this.#render();
  }
}
