import { ContractError } from './contract-error.js';
import { MAX_KEY_BYTES } from './s3-limits.js';

// What a safe object key is, once for the engine (which cleans file names into keys and
// checks `keyFor`'s keys), the token server's presigner (which refuses a client's key) and
// the CLI (which names keys after local files). The rule: a key is safe when cleaning
// would not change it. The engine cleans a file name because its user cannot rename the
// file; the presigner refuses instead, because its client chose the key and must learn
// that S3 would store something else than it asked for.

/**
 * C0 and C1 controls and DEL (invisible in consoles, rejected or mangled by tools), and the
 * invisible formatting characters: zero-width, bidi marks, embeddings, overrides,
 * isolates, BOM. A right-to-left override makes "photo\u202Egpj.exe" read as "photoexe.jpg".
 */
export const UNSAFE_KEY_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the pattern is for.
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const UNSAFE_GLOBAL = new RegExp(UNSAFE_KEY_CHARACTERS.source, 'g');

const encoder = new TextEncoder();
/** UTF-8 length: S3 counts a key's bytes, not its characters. */
export const keyBytes = (text: string): number => encoder.encode(text).length;

/** One rule of a safe key: its name, and what to say when a key breaks it. */
export interface KeyRule {
  readonly name: string;
  /** A phrase to follow the key's name ("key" / "keyFor's key"), or undefined when the rule holds. */
  problem(key: string, options: KeyCheckOptions): string | undefined;
}

export interface KeyCheckOptions {
  /** Prepended to the key when counting its bytes: the full key is what S3 limits. */
  prefix?: string;
}

const hex = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The rules, in the order they are checked; {@link keyProblem} reports the first one broken. */
export const KEY_RULES: readonly KeyRule[] = Object.freeze([
  { name: 'not-empty', problem: (key) => (key === '' ? 'is empty' : undefined) },
  {
    name: 'no-unsafe-characters',
    problem: (key) => {
      const found = UNSAFE_KEY_CHARACTERS.exec(key)?.[0];
      return found === undefined
        ? undefined
        : `contains ${hex(found)}, a control or invisible formatting character (bidi overrides disguise extensions); remove it`;
    },
  },
  {
    name: 'no-backslash',
    problem: (key) => (key.includes('\\') ? 'contains a backslash; use "/" between folders' : undefined),
  },
  {
    name: 'nfc',
    problem: (key) =>
      key === key.normalize('NFC')
        ? undefined
        : 'is not in Unicode NFC form (macOS gives NFD, and the same name would make two keys); normalize it',
  },
  {
    name: 'relative',
    problem: (key) => (key.startsWith('/') ? 'must not start with "/"' : undefined),
  },
  {
    name: 'no-dot-segments',
    problem: (key) => {
      const segments = key.split('/');
      return segments.slice(0, -1).some((s) => s === '' || s === '.' || s === '..') ||
        ['.', '..'].includes(segments.at(-1)!)
        ? 'contains an empty, "." or ".." segment'
        : undefined;
    },
  },
  {
    name: 'names-an-object',
    problem: (key) => (key.endsWith('/') ? 'must name an object, not end with "/"' : undefined),
  },
  {
    name: 'no-edge-whitespace',
    problem: (key) =>
      key.split('/').some((s) => s !== s.trim())
        ? 'has a name that begins or ends with whitespace; trim it'
        : undefined,
  },
  {
    name: 'max-bytes',
    problem: (key, options) => {
      const bytes = keyBytes(`${options.prefix ?? ''}${key}`);
      return bytes > MAX_KEY_BYTES
        ? `is ${bytes} bytes long${options.prefix ? ' with its prefix' : ''}; S3 allows ${MAX_KEY_BYTES}`
        : undefined;
    },
  },
]);

/**
 * The first rule of a safe key that `key` breaks, as a phrase that names it, or undefined
 * for a safe key. Every name {@link cleanFileName} returns is safe.
 *
 * @example
 * ```ts
 * keyProblem('photos/cat.jpg');      // undefined
 * keyProblem('photo\u202Egpj.exe'); // 'contains U+202E, a control or invisible formatting character …'
 * ```
 */
export function keyProblem(key: string, options: KeyCheckOptions = {}): string | undefined {
  for (const rule of KEY_RULES) {
    const problem = rule.problem(key, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Throws `invalid_key` with "<what> <problem>." unless the key is safe. */
export function assertSafeKey(key: string, what = '"key"', options: KeyCheckOptions = {}): string {
  const problem = keyProblem(key, options);
  if (problem !== undefined) throw new ContractError('invalid_key', `${what} ${problem}.`, 'key');
  return key;
}

/**
 * A file name made safe for a key: no control or invisible formatting characters, NFC
 * (macOS gives NFD), `\` read as a separator (Windows paths), `/`-separated names trimmed,
 * without empty, `.` or `..` ones (a name must never climb out of its prefix). Empty
 * results become `file`. The result always passes {@link keyProblem} but for its length.
 */
export function cleanFileName(name: string): string {
  const segments = name
    .replace(UNSAFE_GLOBAL, '')
    .normalize('NFC')
    .split(/[/\\]/)
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return segments.length === 0 ? 'file' : segments.join('/');
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function truncateBytes(text: string, max: number): string {
  if (keyBytes(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = keyBytes(char);
    if (used + size > max) break;
    out += char;
    used += size;
  }
  return out;
}

/**
 * The longest safe name of at most `max` bytes that starts like `text`. Cleaned again,
 * because a cut can end in whitespace, in "/" or in a ".." made from "..x"; `''` when
 * nothing fits.
 */
function cut(text: string, max: number): string {
  const cleaned = cleanFileName(truncateBytes(text, max));
  return keyBytes(cleaned) <= max ? cleaned : '';
}

/** Shortens a clean name to fit `budget` bytes, keeping its extension when it can. */
function fitName(name: string, budget: number): string {
  if (keyBytes(name) <= budget) return name;
  const dot = name.lastIndexOf('.');
  const extension =
    dot > 0 && name.length - dot <= 16 && !name.slice(dot).includes('/') ? name.slice(dot) : '';
  const stem = cut(name.slice(0, name.length - extension.length), budget - keyBytes(extension));
  if (stem !== '') return stem + extension;
  return cut(name, budget) || truncateBytes('file', budget);
}

/**
 * The key for a file name under `base` (a prefix, often `<prefix><upload id>/`): the
 * cleaned name, shortened to fit S3's 1024 bytes with its extension kept. Throws
 * `invalid_key` when `base` leaves no room.
 *
 * @example
 * ```ts
 * objectKey('users/alice/abc/', '../Cafe\u0301 \u202Egpj.exe'); // 'users/alice/abc/Café gpj.exe'
 * ```
 */
export function objectKey(base: string, name: string): string {
  const budget = MAX_KEY_BYTES - keyBytes(base);
  if (budget < 1) {
    throw new ContractError(
      'invalid_key',
      `The prefix "${base}" leaves no room for a file name in ${MAX_KEY_BYTES} bytes.`,
      'key',
    );
  }
  return base + fitName(cleanFileName(name), budget);
}
