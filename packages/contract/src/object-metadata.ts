// Per-file metadata on the wire: how the engine writes `x-amz-meta-*` and
// `Content-Disposition`, and how a reader (a gallery doing HeadObject) reads them back.
//
// - A value that is printable ASCII is sent as it is. Anything else (non-ASCII, or text
//   that would read as an encoding: `=?`, `%XX`) is sent as RFC 2047 encoded-words,
//   `=?UTF-8?B?<base64>?=`, each at most 75 characters, separated by a space: what S3
//   itself decodes before storing and re-encodes when it answers (S3 user guide, "Working
//   with object metadata"). HTTP headers carry no raw UTF-8 reliably.
// - S3 refuses user metadata over 2 KB: "the sum of the number of bytes in the UTF-8
//   encoding of each key and value". The check here counts each name (without the
//   `x-amz-meta-` prefix) and each value as sent, encoded: never less than what S3 counts,
//   so nothing it would refuse is ever sent.
// - Content-Disposition carries the file's name for downloads (RFC 6266): `filename="…"`,
//   an ASCII fallback, and `filename*=UTF-8''…` (RFC 8187) with the exact name. The name is
//   the user's, not the key's; only what could mislead or break a header is taken out.

/** S3's limit on user metadata: 2 KB. */
export const MAX_USER_METADATA_BYTES = 2048;

/** A metadata name as S3 stores it: lowercase, a token a header name can carry. */
export const METADATA_NAME = /^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$/;

const utf8 = new TextEncoder();
const PLAIN = /^[\x20-\x7e]*$/;
// Text a reader would take for an encoding: an encoded-word start or a percent escape.
const LOOKS_ENCODED = /=\?|%[0-9a-f]{2}/i;
/** UTF-8 bytes per encoded-word: 45 bytes are 60 base64 characters, 72 with `=?UTF-8?B?` and `?=`. */
const WORD_BYTES = 45;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Control characters would end the header line (CR, LF) or be refused: they become spaces. */
function printable(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/**
 * A metadata value as sent in its `x-amz-meta-*` header.
 *
 * @example
 * encodeMetadataValue('Sunset') // 'Sunset'
 * encodeMetadataValue('Coucher de soleil à Nice') // '=?UTF-8?B?Q291Y2hlciBkZSBzb2xlaWwgw6AgTmljZQ==?='
 */
export function encodeMetadataValue(value: string): string {
  const text = printable(value);
  if (PLAIN.test(text) && !LOOKS_ENCODED.test(text)) return text;
  const words: string[] = [];
  let chunk: number[] = [];
  // Whole characters per word: a word must decode to complete UTF-8 on its own.
  for (const char of text) {
    const bytes = utf8.encode(char);
    if (chunk.length + bytes.length > WORD_BYTES) {
      words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length || words.length === 0) words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
  return words.join(' ');
}

/**
 * A metadata value as a reader gets it from HeadObject (`Metadata.title`): RFC 2047
 * encoded-words (B or Q, as s3up writes them and S3 returns them) or, from other writers,
 * percent-encoding, decoded; anything else as it is.
 */
export function decodeMetadataValue(value: string): string {
  const words = /=\?utf-8\?([bq])\?([^?]*)\?=/gi;
  if (words.test(value)) {
    words.lastIndex = 0;
    // Whitespace between adjacent encoded-words is not part of the text (RFC 2047 §6.2).
    return value.replace(/\?=\s+=\?/g, '?==?').replace(words, (_match, encoding: string, text: string) => {
      const binary =
        encoding.toLowerCase() === 'b'
          ? atob(text)
          : text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              );
      return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    });
  }
  if (/%[0-9a-f]{2}/i.test(value)) {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** How much of the 2 KB a set of metadata takes, and what to cut when it is over. */
export interface MetadataSize {
  /** Bytes counted: each name and each value as sent. */
  bytes: number;
  limit: number;
  /** Bytes each field takes (its name and its value as sent). */
  fields: Record<string, number>;
  /** When over the limit: the field that takes most, and how much of it to cut. */
  over?: {
    field: string;
    /** Bytes to cut in all. */
    bytes: number;
    /** Characters of `field` to cut at least (its own characters, as typed). */
    characters: number;
  };
}

/**
 * Measures metadata (names without `x-amz-meta-`, values as typed) against S3's 2 KB.
 *
 * @example
 * const size = metadataSize({ title: 'Sunset', description: longText });
 * if (size.over) show(`Shorten ${size.over.field} by ${size.over.characters} characters`);
 */
export function metadataSize(metadata: Readonly<Record<string, string>>): MetadataSize {
  const fields: Record<string, number> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    const size = utf8.encode(name).length + utf8.encode(encodeMetadataValue(value)).length;
    fields[name] = size;
    bytes += size;
  }
  const result: MetadataSize = { bytes, limit: MAX_USER_METADATA_BYTES, fields };
  if (bytes <= MAX_USER_METADATA_BYTES) return result;
  const cut = bytes - MAX_USER_METADATA_BYTES;
  const [field] = Object.entries(fields).sort((a, b) => b[1] - a[1])[0]!;
  // Characters to cut: the longest start of the value that fits what is left for the field.
  const chars = [...(metadata[field] ?? '')];
  const budget = fields[field]! - cut;
  const fits = (n: number) =>
    utf8.encode(field).length + utf8.encode(encodeMetadataValue(chars.slice(0, n).join(''))).length <= budget;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  const characters = chars.length - low;
  result.over = { field, bytes: cut, characters };
  return result;
}

// Characters that change how the rest of a name displays (bidirectional overrides and
// isolates, marks that could hide an extension: "photo\u202Egpj.exe" shows as
// "photoexe.jpg"), zero-width and other invisible format characters, controls, and path
// separators. Everything else the user typed stays.
// biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is removed
const MISLEADING = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A file name safe to show and to put in Content-Disposition: misleading and invisible
 * characters removed, `/` and `\` as `_`, trimmed; `file` when nothing is left.
 */
export function displayName(name: string): string {
  const clean = name.normalize('NFC').replace(MISLEADING, '').replace(/[/\\]/g, '_').trim();
  return clean || 'file';
}

/** RFC 8187 attr-char: everything else in the name is percent-encoded. */
function extValue(text: string): string {
  return Array.from(utf8.encode(text), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9!#$&+.^_`|~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/**
 * `Content-Disposition` for a file name (RFC 6266): `inline` (a browser shows it, a
 * download keeps the name) or `attachment` (always downloaded), an ASCII `filename=` for
 * old clients (accents dropped, other non-ASCII as `_`, quotes as `'`) and the exact name in
 * `filename*=UTF-8''`.
 *
 * @example
 * contentDisposition('Été "2026"; plage.jpg')
 * // inline; filename="Ete '2026'; plage.jpg"; filename*=UTF-8''%C3%89t%C3%A9%20%222026%22%3B%20plage.jpg
 */
export function contentDisposition(name: string, type: 'inline' | 'attachment' = 'inline'): string {
  const shown = displayName(name);
  const ascii = shown
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/"/g, "'")
    .replace(/\\/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${extValue(shown)}`;
}

/**
 * The name a pasted file gets (clipboard images are all `image.png`): "Pasted image
 * 2026-12-06 17.42.10.png", in local time, with " (2)", " (3)"… when `taken` has it already.
 */
export function pastedFileName(type: string, date: Date, taken: ReadonlySet<string> = new Set()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}.${pad(date.getMinutes())}.${pad(date.getSeconds())}`;
  const [kind, sub = ''] = type.split('/');
  const noun = kind === 'image' ? 'image' : kind === 'video' ? 'video' : kind === 'text' ? 'text' : 'file';
  const extension = PASTE_EXTENSIONS[type] ?? (/^[a-z0-9]{1,5}$/.test(sub) ? sub : 'bin');
  const stem = `Pasted ${noun} ${stamp}`;
  let name = `${stem}.${extension}`;
  for (let n = 2; taken.has(name); n++) name = `${stem} (${n}).${extension}`;
  return name;
}

const PASTE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
  'text/plain': 'txt',
  'text/html': 'html',
};
