import { html, nothing } from 'lit';
import { type FileEntry, statusOf } from './file-entry.js';
import { fieldsTemplate, type RowForms } from './file-fields.js';
import { fileName } from './file-name.js';
import { drawIcon } from './icons.js';
import { formatBytes, formatDuration, formatSpeed } from './intl-units.js';
import type { Messages } from './messages/catalog.js';
import { errorText, imageNoteText, type LimitsInWords, refusalText, statusText } from './messages/texts.js';
import { percentOf, progressBar } from './progress-bar.js';

/** What a row's buttons do. */
export type RowAction = 'pause' | 'pause-now' | 'resume' | 'cancel' | 'retry' | 'remove';

/** What a row needs from its element besides the entry. */
export interface RowContext {
  messages: Messages;
  limits: LimitsInWords;
  disabled: boolean;
  auto: boolean;
  onAction(entry: FileEntry, action: RowAction): void;
  /** The thumbnail was drawn (or failed): its object URL can be revoked. */
  onThumbnailDone(entry: FileEntry): void;
  /** The rows' fields before their uploads (`fields`, a pasted file's name). */
  forms: RowForms;
  onFieldInput(entry: FileEntry, field: string, value: string): void;
}

const BUTTON_TEXT = {
  pause: 'pauseFile',
  'pause-now': 'pauseNowFile',
  resume: 'resumeFile',
  cancel: 'cancelFile',
  retry: 'retryFile',
  remove: 'removeFile',
} as const;

/** The row's two buttons for its state: [pause|resume|retry|none, cancel|remove]. */
function actionsOf(entry: FileEntry): [RowAction | undefined, RowAction] {
  switch (statusOf(entry)) {
    case 'queued':
      // A file waiting for the engine to load has nothing to pause yet.
      return [entry.task ? 'pause' : undefined, 'cancel'];
    case 'uploading':
      return ['pause', 'cancel'];
    case 'pausing':
      // A second press pauses at once, without waiting for the nearly finished parts.
      return ['pause-now', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'failed':
    case 'cancelled':
      return ['retry', 'remove'];
    default:
      return [undefined, 'remove'];
  }
}

function button(entry: FileEntry, action: RowAction | undefined, ctx: RowContext) {
  const label = action ? ctx.messages.text(BUTTON_TEXT[action], { name: entry.path }) : '';
  // One <button> per position whatever the state, so focus survives pause ↔ resume.
  return html`<button
    part="button ${action ? `${action}-button` : ''}"
    class="action"
    type="button"
    ?hidden=${!action}
    ?disabled=${ctx.disabled}
    aria-label=${label}
    title=${label}
    @click=${() => action && ctx.onAction(entry, action)}
  >
    ${action ? drawIcon(action === 'pause-now' ? 'pause' : action) : nothing}
  </button>`;
}

/** What was done to a stored photo: its location removed, and the engine's notes (a HEIC kept as it is). */
function photoLine(entry: FileEntry, m: Messages) {
  const image = entry.task?.state === 'succeeded' ? entry.task.image : undefined;
  if (!image) return nothing;
  const removed = image.locationRemoved.exif.length + image.locationRemoved.xmp.length > 0;
  if (!removed && image.notes.length === 0) return nothing;
  return html`${removed ? html`<span part="location-removed">${m.text('locationRemoved')}</span>` : nothing}
  ${image.notes.map((note) => html`<span part="note" class="reason" data-code=${note.code}>${imageNoteText(m, note)}</span>`)}`;
}

/** One `<li>` of the file list: thumbnail, name, progress, state, reason and buttons. */
export function fileRow(entry: FileEntry, ctx: RowContext) {
  const m = ctx.messages;
  const status = statusOf(entry);
  const task = entry.task;
  const percent = percentOf(task?.bytesUploaded ?? 0, task?.size ?? 0, status === 'succeeded');
  const [primary, secondary] = actionsOf(entry);
  const form = status === 'queued' ? ctx.forms.get(entry.file) : undefined;
  const reason =
    status === 'refused' && entry.refusal
      ? refusalText(m, entry.refusal, ctx.limits)
      : status === 'failed'
        ? errorText(m, task ? task.error : entry.engineError)
        : undefined;
  const sizeText = formatBytes(entry.size, m.locale);
  const progressText =
    task && status !== 'succeeded'
      ? m.text('bytesOf', { sent: formatBytes(task.bytesUploaded, m.locale), total: sizeText })
      : sizeText;
  return html`<li part="item item-${status}" class="item" data-id=${entry.id} data-status=${status}>
    <span part="thumbnail" class="thumbnail">
      ${
        entry.thumbnail
          ? html`<img
            src=${entry.thumbnail}
            alt=""
            loading="lazy"
            decoding="async"
            @load=${() => ctx.onThumbnailDone(entry)}
            @error=${() => ctx.onThumbnailDone(entry)}
          />`
          : drawIcon('file')
      }
    </span>
    <div class="info">
      ${fileName(entry.path)}
      ${
        task
          ? progressBar({
              label: m.text('uploadOf', { name: entry.path }),
              percent,
              valueText: m.text('percentDone', { percent, progress: progressText }),
            })
          : nothing
      }
      <div class="line">
        <span part="status" class="status">${
          form
            ? m.text('statusNeedsDetails')
            : status === 'uploading' && task?.preparing
              ? m.text('statusPreparing')
              : statusText(m, status, ctx.auto, {
                  offline: entry.pausedBy === 'offline',
                  reconnecting: task?.reconnecting === true,
                  otherTab: task?.waitingForTab === true,
                  elsewhere: task?.completedElsewhere === true,
                })
        }</span>
        <span part="size">${progressText}</span>
        ${
          // Reconnecting moves no bytes: the last speed and the time left from it would lie.
          status === 'uploading' && task && task.speed > 0 && !task.reconnecting
            ? html`<span part="speed">${formatSpeed(task.speed, m.locale)}</span>`
            : nothing
        }
        ${
          status === 'uploading' && task?.eta != null && !task.reconnecting
            ? html`<span part="eta">${m.text('timeLeft', { duration: formatDuration(task.eta, m.locale) })}</span>`
            : nothing
        }
        ${reason ? html`<span part="reason" class="reason">${reason}</span>` : nothing}
        ${photoLine(entry, m)}
      </div>
      ${
        form
          ? fieldsTemplate(entry, form, ctx.forms.specs, m, ctx.disabled, {
              onInput: (e, field, value) => ctx.onFieldInput(e, field, value),
            })
          : nothing
      }
    </div>
    <div part="actions" class="actions">
      ${button(entry, primary, ctx)} ${button(entry, secondary, ctx)}
    </div>
  </li>`;
}
