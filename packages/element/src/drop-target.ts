import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { filesFromDataTransfer } from './dropped-files.js';

export interface DropTargetOptions {
  /** Whether the element takes files now (not disabled, nor in a disabled fieldset). */
  enabled: () => boolean;
  /** Adds the files (and folders' files) the user dropped or pasted (`pasted`: from the clipboard). */
  add: (files: File[], pasted: boolean) => void;
}

/**
 * Files the user drops on the drop zone or pastes into the element. Tracks whether files
 * are dragged over the zone (`dragover`, for its style and the `dragover` state): the
 * enter/leave count, because entering a child fires leave on its parent.
 */
export class DropTarget implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: DropTargetOptions;
  #depth = 0;
  #dragover = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: DropTargetOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Files are being dragged over the drop zone. */
  get dragover(): boolean {
    return this.#dragover;
  }

  hostConnected(): void {
    this.#host.addEventListener('paste', this.#onPaste);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('paste', this.#onPaste);
  }

  #setDragover(on: boolean): void {
    if (this.#dragover === on) return;
    this.#dragover = on;
    this.#host.requestUpdate();
  }

  #onPaste = (event: ClipboardEvent): void => {
    if (!this.#options.enabled() || !event.clipboardData) return;
    const hasFiles = [...event.clipboardData.items].some((item) => item.kind === 'file');
    if (!hasFiles) return;
    event.preventDefault();
    void filesFromDataTransfer(event.clipboardData).then((files) => this.#options.add(files, true));
  };

  readonly onDragEnter = (event: DragEvent): void => {
    if (!this.#options.enabled() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.#depth += 1;
    this.#setDragover(true);
  };

  readonly onDragOver = (event: DragEvent): void => {
    if (!this.#options.enabled() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };

  readonly onDragLeave = (): void => {
    this.#depth = Math.max(0, this.#depth - 1);
    if (this.#depth === 0) this.#setDragover(false);
  };

  readonly onDrop = (event: DragEvent): void => {
    this.#depth = 0;
    this.#setDragover(false);
    if (!this.#options.enabled()) return;
    event.preventDefault();
    void filesFromDataTransfer(event.dataTransfer).then((files) => this.#options.add(files, false));
  };
}
