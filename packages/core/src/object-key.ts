import { UploadError } from './errors.js';

/** S3's key limit: 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

// C0 and C1 controls and DEL: invisible in consoles, rejected or mangled by tools. Also the
// invisible formatting characters (zero-width, bidi marks, embeddings, overrides, isolates,
// BOM): a right-to-left override makes "photo\u202Egpj.exe" read as "photoexe.jpg".
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > max) break;
    out += char;
    used += size;
  }
  return out;
}

/**
 * A file name made safe for a key: NFC (macOS gives NFD, so the same name would make two
 * keys), no control or invisible formatting characters (bidi overrides disguise extensions), `/`-separated segments without empty, `.` or `..` ones
 * (a name must never climb out of its prefix), `\` treated as a separator (Windows paths).
 * Empty results become `file`.
 */
export function cleanFileName(name: string): string {
  const segments = name
    .normalize('NFC')
    .replace(CONTROL, '')
    .split(/[/\\]/)
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return segments.length === 0 ? 'file' : segments.join('/');
}

/** Shortens the name to fit `budget` bytes, keeping its extension when it can. */
function fitName(name: string, budget: number): string {
  if (byteLength(name) <= budget) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = truncateBytes(name.slice(0, name.length - extension.length), budget - byteLength(extension));
  return stem === '' ? truncateBytes(name, budget) : stem + extension;
}

/** The default key: `<prefix><id>/<clean file name>`, at most 1024 bytes. */
export function defaultKey(prefix: string, id: string, name: string): string {
  const base = `${prefix}${id}/`;
  const budget = MAX_KEY_BYTES - byteLength(base);
  if (budget < 1) {
    throw new UploadError(
      'invalid-key',
      `The prefix "${prefix}" leaves no room for a file name in 1024 bytes.`,
    );
  }
  return base + fitName(cleanFileName(name), budget);
}

/**
 * Checks a key from `keyFor`: inside the prefix, no `.`/`..`/empty segments, no control
 * characters, at most 1024 bytes. Throws an `invalid-key` error that says which rule broke.
 */
export function checkKey(key: unknown, prefix: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new UploadError('invalid-key', 'keyFor must return a non-empty string.');
  }
  if (!key.startsWith(prefix)) {
    throw new UploadError(
      'invalid-key',
      `keyFor returned "${key}", outside the user's prefix "${prefix}": build keys from ctx.prefix.`,
    );
  }
  if (CONTROL.test(key)) {
    CONTROL.lastIndex = 0;
    throw new UploadError(
      'invalid-key',
      'keyFor returned a key with control or invisible formatting characters (e.g. U+202E); remove them.',
    );
  }
  const segments = key.split('/');
  if (
    segments.slice(0, -1).some((s) => s === '' || s === '.' || s === '..') ||
    ['.', '..', ''].includes(segments.at(-1)!)
  ) {
    throw new UploadError(
      'invalid-key',
      `keyFor returned "${key}": empty, "." and ".." segments are not allowed.`,
    );
  }
  if (byteLength(key) > MAX_KEY_BYTES) {
    throw new UploadError(
      'invalid-key',
      `keyFor returned a key of ${byteLength(key)} bytes; S3 allows 1024.`,
    );
  }
  return key;
}
