import { structuredPatch } from 'diff';
import { canonicalJson } from './policy-document.js';

/** JSON with sorted keys and two-space indentation: stable lines to diff. */
function lines(value: unknown): string {
  return value === undefined ? '' : `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}

/**
 * A unified diff (`-` live, `+` after `--apply`) of two JSON documents, with three lines
 * of context; empty when they are the same. `undefined` stands for "does not exist".
 */
export function jsonDiff(current: unknown, wanted: unknown): string {
  const patch = structuredPatch('live', 'after --apply', lines(current), lines(wanted), '', '', {
    context: 3,
  });
  return patch.hunks
    .map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n'))
    .join('\n');
}
