import { overallProgress } from '@s3up/core';
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
  const done = tasks.filter((task) => task.state === 'succeeded').length;
  const progress = overallProgress(tasks);
  const percent = percentOf(
    progress.bytesUploaded,
    progress.totalBytes,
    tasks.length > 0 && done === tasks.length,
  );
  const text = summaryText(m, { done, counted: tasks.length }, progress);
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
