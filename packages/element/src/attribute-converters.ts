// How the element reads its numeric attributes and properties. Both take the same text
// ("20 MB", "5 MiB", "2"), because React 19 and Vue set a custom element's *property* to
// the string an author wrote as an attribute. A value that cannot be read never becomes
// "no limit": a property set throws an error naming the property and the value; an
// attribute (which cannot throw to its author) logs that error and keeps the previous value.
import type { ComplexAttributeConverter } from 'lit';
import { parseByteSize } from './byte-size.js';
import { S3UploadElementError } from './errors.js';

/** The attribute's text, unparsed: the property's setter reads it (see `readSize`, `readCount`). */
export const textAttribute: ComplexAttributeConverter<string | undefined> = {
  fromAttribute: (value: string | null) => value ?? undefined,
};

/** `auto`, `receipts`: on unless written `="false"` (a boolean attribute that defaults to on could not be turned off in markup). */
export const autoAttribute: ComplexAttributeConverter<boolean> = {
  fromAttribute: (value: string | null) => value !== 'false',
};

/**
 * `auto`, `receipts`, `unloadGuard` as properties: what their attribute means, so the text a
 * template writes (`auto="false"`) is off rather than a truthy string. `undefined` and `null`
 * (no value, a removed attribute) are the default: on.
 */
export function readSwitch(value: unknown): boolean {
  return value !== false && value !== 'false';
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A number as given, or digits as text (`"2"`, ` 5000 `); NaN for anything else. */
function wholeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/**
 * `maxFileSize`, `partSize`: a number of bytes, or text in bytes or with a unit. `undefined`,
 * `null` and `""` mean none.
 *
 * @throws {S3UploadElementError} `config`, naming `name` and the value, for anything else.
 */
export function readSize(name: string, value: unknown): number | undefined {
  if (blank(value)) return undefined;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
  } else if (typeof value === 'string') {
    return parseByteSize(value, `<s3-upload> ${name}`);
  }
  throw new S3UploadElementError(
    'config',
    `<s3-upload> ${name}=${shown(value)} is not a size: give bytes (10485760) or text with a unit ("10 MB", "5 MiB")`,
  );
}

/**
 * `maxFiles`, `concurrency`: a whole number of 1 or more, as a number or text. `undefined`,
 * `null` and `""` mean none.
 *
 * @throws {S3UploadElementError} `config`, naming `name` and the value, for anything else.
 */
export function readCount(name: string, value: unknown): number | undefined {
  if (blank(value)) return undefined;
  const n = wholeNumber(value);
  if (Number.isInteger(n) && n >= 1) return n;
  throw new S3UploadElementError(
    'config',
    `<s3-upload> ${name}=${shown(value)} must be a whole number of 1 or more (2, or "2")`,
  );
}

/**
 * `pauseGrace`, `flightTime`: milliseconds, a whole number of 0 or more, as a number or text (`"5000"`).
 * `undefined`, `null` and `""` mean the engine's default.
 *
 * @throws {S3UploadElementError} `config`, naming `name` and the value, for anything else.
 */
export function readMilliseconds(name: string, value: unknown): number | undefined {
  if (blank(value)) return undefined;
  const n = wholeNumber(value);
  if (Number.isInteger(n) && n >= 0 && n <= 600_000) return n;
  throw new S3UploadElementError(
    'config',
    `<s3-upload> ${name}=${shown(value)} must be milliseconds from 0 to 600000 (5000, or "5000"; ${
      name === 'flight-time' ? '0 turns the bound off' : '0 pauses at once'
    })`,
  );
}
