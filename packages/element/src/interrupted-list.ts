import type { KeptHandle } from '@s3up/core';
import { html, nothing } from 'lit';
import { canPickHandles, handleOf, pickWithHandles } from './file-handles.js';
import { fileName } from './file-name.js';
import { drawIcon } from './icons.js';
import type { InterruptedUploads } from './interrupted-uploads.js';
import { formatBytes } from './intl-units.js';
import type { Messages } from './messages/catalog.js';

/**
 * The file picker of a Continue: a File System Access picker where the browser has one (its
 * handle lets a later reload continue without asking), else the list's own hidden `<input>`.
 */
export class ContinuePicker {
  readonly #root: () => HTMLElement | DocumentFragment;
  /** Resolves the pending "pick the file again" of a Continue. */
  #waiter: ((file: File | undefined) => void) | undefined;

  constructor(root: () => HTMLElement | DocumentFragment) {
    this.#root = root;
  }

  /** Asks the user for the file of an interrupted upload; undefined when they cancel. */
  async pick(): Promise<{ file: File; handle?: KeptHandle | undefined } | undefined> {
    if (canPickHandles()) {
      try {
        const [file] = await pickWithHandles({ multiple: false, accept: undefined });
        return file ? { file, handle: handleOf(file) } : undefined;
      } catch {
        // The picker is not allowed here (a cross-origin frame): the <input> still is.
      }
    }
    return this.#pickInput();
  }

  /** The `<input>` answered (a file, or undefined when the user cancelled). */
  picked(file: File | undefined): void {
    this.#waiter?.(file);
  }

  #pickInput(): Promise<{ file: File } | undefined> {
    this.#waiter?.(undefined);
    const input = this.#root().querySelector<HTMLInputElement>('input.continue-input');
    return new Promise((resolve) => {
      this.#waiter = (file) => {
        this.#waiter = undefined;
        resolve(file ? { file } : undefined);
      };
      input?.click();
    });
  }
}

/** "5 minutes ago", "3 hours ago", "2 days ago" in the element's language. */
function agoIn(locale: string): (created: number) => string {
  const age = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return (created) => {
    const minutes = Math.round((created - Date.now()) / 60_000);
    if (Math.abs(minutes) < 60) return age.format(minutes, 'minute');
    const hours = Math.round(minutes / 60);
    return Math.abs(hours) < 48 ? age.format(hours, 'hour') : age.format(Math.round(hours / 24), 'day');
  };
}

/**
 * The uploads a reload or a closed tab left unfinished (interrupted-uploads.ts keeps them),
 * each with what is stored, its age, and Continue and Discard; nothing when there are none.
 */
export function interruptedList(m: Messages, interrupted: InterruptedUploads, picker: ContinuePicker) {
  const items = interrupted.items;
  const notice = interrupted.notice;
  if (items.length === 0) return nothing;
  const ago = agoIn(m.locale);
  return html`<section part="interrupted" class="interrupted" aria-labelledby="interrupted-title">
      <h3 id="interrupted-title" class="interrupted-title">${m.text('interruptedTitle')}</h3>
      <input
        type="file"
        class="continue-input"
        hidden
        tabindex="-1"
        aria-hidden="true"
        @change=${(event: Event) => {
          const input = event.target as HTMLInputElement;
          const file = input.files?.[0];
          input.value = '';
          picker.picked(file);
        }}
        @cancel=${() => picker.picked(undefined)}
      />
      <ul class="list">
        ${items.map((item) => {
          const mine = notice?.fingerprint === item.fingerprint ? notice : undefined;
          const reason =
            mine?.kind === 'wrong-file'
              ? m.text('wrongFile', { picked: mine.picked, name: item.name })
              : mine?.kind === 'changed'
                ? m.text('fileChanged', { name: item.name })
                : mine?.kind === 'error'
                  ? mine.message
                  : undefined;
          return html`<li part="interrupted-item" class="item interrupted-item" data-fingerprint=${item.fingerprint}>
            <span part="thumbnail" class="thumbnail">${drawIcon('file')}</span>
            <div class="info">
              ${fileName(item.name)}
              <div class="line">
                <span part="status" class="status">${m.text('interruptedLine', {
                  stored: item.stored === undefined ? '?' : formatBytes(item.stored, m.locale),
                  total: item.size === undefined ? '?' : formatBytes(item.size, m.locale),
                  age: ago(item.created),
                })}</span>
                ${reason ? html`<span part="reason" class="reason" role="alert">${reason}</span>` : nothing}
              </div>
            </div>
            <div part="actions" class="actions">
              <button part="button continue-button" class="text-button" type="button"
                aria-label=${m.text('continueFile', { name: item.name })}
                @click=${() => interrupted.continue(item.fingerprint)}>
                ${m.text('continueButton')}
              </button>
              <button part="button discard-button" class="text-button" type="button"
                aria-label=${m.text('discardFile', { name: item.name })}
                @click=${() => interrupted.discard(item.fingerprint)}>
                ${m.text('discardButton')}
              </button>
            </div>
          </li>`;
        })}
      </ul>
    </section>`;
}
