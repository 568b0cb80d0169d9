import { type FileEntry, statusOf } from './file-entry.js';

const PROBLEMS = new Set(['failed', 'refused']);

/**
 * The rows in the order they are shown: those that need the user (failed, refused) first,
 * so that a refused file is where the user looks, not at the end of 150 rows; each group
 * keeps the order the files were added in (the value keeps it too).
 */
export function problemsFirst(entries: readonly FileEntry[]): readonly FileEntry[] {
  const problems = entries.filter((e) => PROBLEMS.has(statusOf(e)));
  if (problems.length === 0) return entries;
  return [...problems, ...entries.filter((e) => !PROBLEMS.has(statusOf(e)))];
}

/** Rows that are finished for the user: stored, cancelled or refused ("Clear 3 finished"). */
export function finishedCount(entries: readonly FileEntry[]): number {
  return entries.filter((e) => ['succeeded', 'cancelled', 'refused'].includes(statusOf(e))).length;
}
