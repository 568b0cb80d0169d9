// The progress sum alone: importing it from @s3up/core's index would put the whole engine
// (re-exported there) in the render path's chunks (issue 21).
import { overallProgress } from '@s3up/core/progress';
import { html, nothing } from 'lit';
import { type FileEntry, statusOf } from './file-entry.js';
import type { Messages } from './messages/catalog.js';
import { summaryText } from './messages/texts.js';
import { percentOf, progressBar } from './progress-bar.js';

/**
 * The overall progress above the list: "2 of 5 uploaded · 3 MB of 10 MB · …", its bar
 * (core's `overallProgress`, the one place it is derived), and "Failed: 1 · Not added: 2",
 * a button back to those rows (`onShowProblems`), which the list shows first.
 */
export function listSummary(m: Messages, entries: readonly FileEntry[], onShowProblems: () => void) {
  const tasks = entries.flatMap((entry) =>
    entry.task && entry.task.state !== 'cancelled' ? [entry.task] : [],
  );
  // Files waiting for the engine to load count as queued, with nothing sent yet.
  const waiting = entries.filter((entry) => !entry.task && statusOf(entry) === 'queued');
  const counted = tasks.length + waiting.length;
  const done = tasks.filter((task) => task.state === 'succeeded').length;
  const progress = overallProgress(tasks);
  for (const entry of waiting) progress.totalBytes += entry.size;
  const percent = percentOf(progress.bytesUploaded, progress.totalBytes, counted > 0 && done === counted);
  const text = summaryText(m, { done, counted }, progress);
  const failed = entries.filter((e) => statusOf(e) === 'failed').length;
  const refused = entries.filter((e) => statusOf(e) === 'refused').length;
  const problems = [
    failed > 0 ? m.text('summaryFailed', { count: failed }) : '',
    refused > 0 ? m.text('summaryRefused', { count: refused }) : '',
  ].filter(Boolean);
  return html`<div part="summary" class="summary">
      <span part="summary-text" class="summary-text">${text}</span>
      ${progressBar({ label: m.text('totalProgress'), percent, valueText: text })}
      ${
        problems.length > 0
          ? html`<button part="summary-problems" class="problems" type="button" @click=${onShowProblems}>
            ${problems.join(' · ')}
          </button>`
          : nothing
      }
    </div>`;
}
