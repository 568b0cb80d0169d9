import { html } from 'lit';

// How many characters before the extension stay visible with it ("…184512.jpg"): enough to
// tell IMG_0012.jpg from IMG_0013.jpg, short enough to leave the start most of the room.
const KEPT_BEFORE_EXTENSION = 6;
// A longer "extension" is part of the name (a dot in "report.final-version-for-review").
const LONGEST_EXTENSION = 10;

/** Splits a file name where a too-narrow row cuts it: the end kept is its extension and a few characters before it. */
export function nameEnds(name: string): { start: string; end: string } {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= LONGEST_EXTENSION + 1 ? name.length - dot : 0;
  const cut = Math.max(0, name.length - extension - KEPT_BEFORE_EXTENSION);
  return { start: name.slice(0, cut), end: name.slice(cut) };
}

/**
 * A file name that a narrow row shortens in the middle ("a-rather-long-fi…184512.jpg"), so its
 * extension and last characters stay visible; the whole name is still the element's text (what
 * a screen reader reads) and its title.
 */
export function fileName(name: string) {
  const { start, end } = nameEnds(name);
  return html`<span part="name" class="name" title=${name}
    ><span class="name-start">${start}</span><span class="name-end">${end}</span></span
  >`;
}
