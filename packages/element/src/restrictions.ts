/**
 * Why a file was refused before any upload: `type` (not in `accept`), `too-large`
 * (over `max-file-size`), `too-many` (over `max-files`, or a second file without
 * `multiple`), `duplicate` (already in the list), `not-configured` (no `endpoint`).
 */
export type RefusalCode = 'type' | 'too-large' | 'too-many' | 'duplicate' | 'not-configured';

/** A refused file's reason, shown next to it in the list and sent with `s3-file-rejected`. */
export interface Refusal {
  code: RefusalCode;
}

/** The limits a file is checked against; `undefined` means no limit. */
export interface Restrictions {
  /** Same syntax as `<input accept>`: `.jpg`, `image/*`, `application/pdf`, comma-separated. */
  accept?: string | undefined;
  maxFileSize?: number | undefined;
  maxFiles?: number | undefined;
}

/**
 * Whether `file` matches an `accept` list, the way browsers read `<input accept>`:
 * extensions are case-insensitive, `type/*` matches a MIME family. The picker's own
 * filter is only a hint (users can choose "All files", drops and pastes bypass it), so
 * the element checks again here.
 */
export function matchesAccept(file: Pick<File, 'name' | 'type'>, accept: string | undefined): boolean {
  const patterns = (accept ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (patterns.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return patterns.some((pattern) => {
    if (pattern.startsWith('.')) return name.endsWith(pattern);
    if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
    return type === pattern;
  });
}

/** Identity of a file for duplicate detection: same path, size and modification time. */
export function fileIdentity(file: File): string {
  const path = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
  return `${path}\u0000${file.size}\u0000${file.lastModified}`;
}

/**
 * Sorts candidate files into accepted and refused. `current` is how many files the list
 * already counts against `maxFiles`; `known` holds the identities already in the list.
 * Checks run in the order a user can act on: type, then size, then duplicates, then count.
 */
export function checkFiles(
  files: readonly File[],
  limits: Restrictions,
  current: number,
  known: ReadonlySet<string>,
): { accepted: File[]; refused: { file: File; index: number; refusal: Refusal }[] } {
  const accepted: File[] = [];
  const refused: { file: File; index: number; refusal: Refusal }[] = [];
  const seen = new Set(known);
  for (const [index, file] of files.entries()) {
    const identity = fileIdentity(file);
    let code: RefusalCode | undefined;
    if (!matchesAccept(file, limits.accept)) code = 'type';
    else if (limits.maxFileSize !== undefined && file.size > limits.maxFileSize) code = 'too-large';
    else if (seen.has(identity)) code = 'duplicate';
    else if (limits.maxFiles !== undefined && current + accepted.length >= limits.maxFiles) code = 'too-many';
    if (code) {
      refused.push({ file, index, refusal: { code } });
    } else {
      accepted.push(file);
      seen.add(identity);
    }
  }
  return { accepted, refused };
}
