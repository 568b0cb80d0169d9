import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The slice of the Screen Wake Lock API used here (absent in older TypeScript DOM libs). */
interface WakeLockSentinelLike extends EventTarget {
  readonly released: boolean;
  release(): Promise<void>;
}
type WakeLockLike = { request(type: 'screen'): Promise<WakeLockSentinelLike> };

export interface PageGuardOptions {
  /** Whether uploads are running now (queued, uploading or pausing; not paused or done). */
  busy: () => boolean;
  /** Whether the page asks before it is closed or reloaded while busy (the element's `unload-guard`). */
  guardUnload: () => boolean;
}

/**
 * Keeps the page from losing uploads silently while they run: a `beforeunload` guard
 * (the browser asks "Leave site?" on close or reload) and a screen Wake Lock, so a phone
 * does not sleep and freeze the tab mid-upload. Both exist only while work is running:
 * a guard on an idle page would nag, and a held wake lock drains the battery.
 * `sync()` after every change of state; the host's updates call it too.
 */
export class PageGuard implements ReactiveController {
  readonly #options: PageGuardOptions;
  #guarding = false;
  #wakeLock: WakeLockSentinelLike | undefined;
  #wanted = false;
  #requesting: Promise<void> | undefined;

  readonly #onBeforeUnload = (event: BeforeUnloadEvent) => {
    // Both: preventDefault is the standard, returnValue what older Chromium and Safari read.
    event.preventDefault();
    event.returnValue = '';
  };

  readonly #onVisibility = () => {
    // The browser releases the lock when the tab is hidden; take it again on return.
    if (document.visibilityState === 'visible' && this.#wanted) this.#acquire();
  };

  constructor(host: ReactiveControllerHost, options: PageGuardOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Whether the beforeunload guard is installed now (for tests and devtools). */
  get guarding(): boolean {
    return this.#guarding;
  }

  /** Whether a screen wake lock is held now. */
  get awake(): boolean {
    return this.#wakeLock !== undefined && !this.#wakeLock.released;
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.release();
  }

  /** Installs or removes the guard and the wake lock to match `busy()`. */
  sync(): void {
    const busy = this.#options.busy();
    const guard = busy && this.#options.guardUnload();
    if (guard && !this.#guarding) window.addEventListener('beforeunload', this.#onBeforeUnload);
    if (!guard && this.#guarding) window.removeEventListener('beforeunload', this.#onBeforeUnload);
    this.#guarding = guard;
    this.#wanted = busy;
    if (busy) this.#acquire();
    else this.#releaseLock();
  }

  /** Drops both (the element left the page, or was destroyed). */
  release(): void {
    if (this.#guarding) window.removeEventListener('beforeunload', this.#onBeforeUnload);
    this.#guarding = false;
    this.#wanted = false;
    this.#releaseLock();
  }

  #acquire(): void {
    const wakeLock = (navigator as Navigator & { wakeLock?: WakeLockLike }).wakeLock;
    if (!wakeLock || this.awake || this.#requesting || document.visibilityState !== 'visible') return;
    this.#requesting = wakeLock
      .request('screen')
      .then((sentinel) => {
        this.#wakeLock = sentinel;
        // Work ended while the request was pending.
        if (!this.#wanted) this.#releaseLock();
      })
      // Refused (battery saver, a permissions policy, no user activation yet): uploads go on without it.
      .catch(() => {})
      .finally(() => {
        this.#requesting = undefined;
      });
  }

  #releaseLock(): void {
    const lock = this.#wakeLock;
    this.#wakeLock = undefined;
    if (lock && !lock.released) void lock.release().catch(() => {});
  }
}
