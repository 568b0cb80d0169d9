import { html } from 'lit';

/** Whole percent of `done` over `total`; an empty total counts as complete once `finished`. */
export function percentOf(done: number, total: number, finished: boolean): number {
  if (total > 0) return Math.floor((done / total) * 100);
  return finished ? 100 : 0;
}

/**
 * The one progress bar of the element (each row's and the total): a `role="progressbar"`
 * track with its label, its value and the value in words, and the filled indicator.
 * The indicator is scaled, not sized: a transition of `transform` runs on the compositor,
 * while one of `width` lays out and paints the page on every frame (issue 21: with the
 * bar moving four times a second, its 200 ms width transition kept the renderer's main
 * thread busy about a fifth of the upload, CPU the upload itself needs on a small machine).
 */
export function progressBar(bar: { label: string; percent: number; valueText: string }) {
  return html`<div
    part="progress"
    class="progress"
    role="progressbar"
    aria-label=${bar.label}
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow=${bar.percent}
    aria-valuetext=${bar.valueText}
  >
    <div
      part="progress-indicator"
      class="progress-indicator"
      style="transform: scaleX(${bar.percent / 100})"
    ></div>
  </div>`;
}
