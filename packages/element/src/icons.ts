import { html, type SVGTemplateResult, svg } from 'lit';

/**
 * The row buttons' and the file placeholder's icons (24×24 strokes, drawn in `currentColor`).
 * `remove` is a minus in a circle, not a bin: the row leaves the list, a stored object stays.
 */
export const icons = {
  upload: svg`<path d="M12 16V4m0 0-5 5m5-5 5 5M4 20h16" />`,
  pause: svg`<path d="M8 5v14M16 5v14" />`,
  resume: svg`<path d="M7 4.5v15l12-7.5z" />`,
  cancel: svg`<path d="M6 6l12 12M18 6 6 18" />`,
  retry: svg`<path d="M4 12a8 8 0 1 0 2.3-5.6M4 4v5h5" />`,
  remove: svg`<circle cx="12" cy="12" r="9" /><path d="M8 12h8" />`,
  file: svg`<path d="M6 3h8l4 4v14H6zM14 3v4h4" />`,
} satisfies Record<string, SVGTemplateResult>;

export type IconName = keyof typeof icons;

/** An icon as decoration: hidden from assistive technology, never focusable (the button has the label). */
export function drawIcon(name: IconName) {
  return html`<svg
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >${icons[name]}</svg>`;
}
