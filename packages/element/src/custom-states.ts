import { type FileEntry, statusOf } from './file-entry.js';

/**
 * The element's CSS custom states (`:state(uploading)` and the others in its JSDoc), from
 * its rows: what a page styles around the element without reading its list.
 */
export function syncCustomStates(
  element: HTMLElement,
  internals: ElementInternals,
  entries: readonly FileEntry[],
  view: { dragover: boolean; theme: string },
): void {
  const states = internals.states;
  const statuses = new Set(entries.map(statusOf));
  const set = (name: string, on: boolean) => (on ? states.add(name) : states.delete(name));
  set('uploading', statuses.has('uploading') || statuses.has('queued'));
  set('paused', statuses.has('paused') && !statuses.has('uploading'));
  set('error', statuses.has('failed') || statuses.has('refused'));
  set('done', entries.length > 0 && [...statuses].every((s) => s === 'succeeded'));
  set('dragover', view.dragover);
  set('system-scheme', view.theme !== 'light' && view.theme !== 'dark' && pageScheme(element) === 'normal');
}

/** The color-scheme the page gives the element (`normal` when it declares none). */
function pageScheme(element: HTMLElement): string {
  const parent =
    element.parentElement ?? (element.getRootNode() as ShadowRoot).host ?? document.documentElement;
  return parent ? getComputedStyle(parent).colorScheme : 'normal';
}
