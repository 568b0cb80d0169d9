import type { FileEntry } from './file-entry.js';

/**
 * Keeps keyboard users in the list as rows change: buttons change with the state (pause →
 * resume), rows go away, and the summary sends focus back to the rows that need the user;
 * focus never drops to `<body>`.
 */
export class RowFocus {
  readonly #root: () => ShadowRoot | null;
  /** The row the focus was last in. */
  #row: string | undefined;

  constructor(root: () => ShadowRoot | null) {
    this.#root = root;
  }

  /** After each render: when the focused button just got hidden, moves to its row's visible button. */
  keep(): void {
    const root = this.#root();
    const active = root?.activeElement as HTMLElement | null | undefined;
    if (active && !active.hidden) {
      this.#row = active.closest<HTMLElement>('[data-id]')?.dataset.id;
      return;
    }
    if (!root || !this.#row || (active === null && document.activeElement !== document.body)) return;
    const row = root.querySelector<HTMLElement>(`[data-id="${CSS.escape(this.#row)}"]`);
    row?.querySelector<HTMLElement>('button:not([hidden])')?.focus();
  }

  /** Removes a row (`remove`) and gives focus to the next row, or the previous, or the browse button. */
  remove(entry: FileEntry, remove: () => void): void {
    const root = this.#root();
    if (!root) {
      remove();
      return;
    }
    const rows = [...root.querySelectorAll<HTMLElement>('[data-id]')];
    const index = rows.findIndex((r) => r.dataset.id === entry.id);
    const next = rows[index + 1] ?? rows[index - 1];
    remove();
    this.#row = next?.dataset.id;
    const target =
      next?.querySelector<HTMLElement>('button:not([hidden])') ?? root.querySelector<HTMLElement>('.browse');
    target?.focus();
  }

  /** The summary's "Failed: 2 · Not added: 1": back to the top of the list, where those rows are. */
  readonly toProblems = (): void => {
    const root = this.#root();
    root?.querySelector<HTMLElement>('.scroller')?.scrollTo({ top: 0 });
    const first = root?.querySelector<HTMLElement>('[data-status="failed"], [data-status="refused"]');
    first?.querySelector<HTMLElement>('button:not([hidden])')?.focus({ preventScroll: true });
  };
}
