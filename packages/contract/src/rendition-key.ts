import { ContractError } from './contract-error.js';
import { isSafePrefix } from './identity.js';
import { keyProblem } from './object-key.js';
import { isRenditionFormat, RENDITION_FORMATS, type RenditionFormat } from './rendition-formats.js';

// Where the smaller renditions of an uploaded image (thumbnails) live, once for the engine
// that uploads them and for the apps that list, show and delete them. They stay INSIDE the
// user's prefix, so the credentials that upload the original upload them too and no policy
// needs widening, under one reserved folder so a listing can tell them apart:
//
//   <prefix>.thumbnails/<width>/<rest of the original key>.<format extension>
//   users/alice/.thumbnails/320/3f9c…/cat.jpg.webp   for   users/alice/3f9c…/cat.jpg
//
// The original key's rest is kept whole (extension included), so the original is found
// from a rendition's key alone, and two originals never share a rendition.

/** The folder under a user's prefix that holds renditions; no original key may start with it. */
export const RENDITIONS_FOLDER = '.thumbnails/';

/** One rendition: its width in pixels (the longer side is not what counts) and its format. */
export interface RenditionSpec {
  readonly width: number;
  readonly format: RenditionFormat;
}

/** A rendition key read back: the original it belongs to, its width and its format. */
export interface RenditionKeyParts extends RenditionSpec {
  readonly originalKey: string;
}

/** Widths are whole pixels in 1..10000: more is not a thumbnail, and keys stay short. */
const MAX_RENDITION_WIDTH = 10_000;

function checkSpec(spec: RenditionSpec, field: string): void {
  if (!Number.isInteger(spec.width) || spec.width < 1 || spec.width > MAX_RENDITION_WIDTH) {
    throw new ContractError(
      'invalid_key',
      `A rendition's width must be a whole number of pixels from 1 to ${MAX_RENDITION_WIDTH}, not ${String(spec.width)}.`,
      `${field}.width`,
    );
  }
  if (!isRenditionFormat(spec.format)) {
    throw new ContractError(
      'invalid_key',
      `A rendition's format must be one of ${Object.keys(RENDITION_FORMATS).join(', ')}, not "${String(spec.format)}".`,
      `${field}.format`,
    );
  }
}

/** `<prefix>.thumbnails/`: list it to find every rendition of a user. */
export function renditionsPrefix(prefix: string): string {
  if (!isSafePrefix(prefix)) {
    throw new ContractError(
      'invalid_prefix',
      `The prefix "${prefix}" must be a safe prefix ending with "/".`,
      'prefix',
    );
  }
  return prefix + RENDITIONS_FOLDER;
}

/**
 * The key of a rendition of `originalKey`, which must lie inside `prefix` (the user's
 * prefix, as the credentials answer gives it) and not be a rendition itself. Throws
 * `invalid_key` when the rendition's key would break a safe-key rule (over 1024 bytes).
 *
 * @example
 * ```ts
 * renditionKey('users/alice/3f9c/cat.jpg', { prefix: 'users/alice/', width: 320, format: 'webp' });
 * // 'users/alice/.thumbnails/320/3f9c/cat.jpg.webp'
 * ```
 */
export function renditionKey(
  originalKey: string,
  options: RenditionSpec & { readonly prefix: string },
): string {
  const folder = renditionsPrefix(options.prefix);
  checkSpec(options, 'rendition');
  if (!originalKey.startsWith(options.prefix) || originalKey === options.prefix) {
    throw new ContractError(
      'invalid_key',
      `The original key "${originalKey}" is not inside the prefix "${options.prefix}".`,
      'key',
    );
  }
  if (originalKey.startsWith(folder)) {
    throw new ContractError(
      'invalid_key',
      `"${originalKey}" is itself a rendition (under "${folder}"); renditions are made of originals only.`,
      'key',
    );
  }
  const key = `${folder}${options.width}/${originalKey.slice(options.prefix.length)}.${RENDITION_FORMATS[options.format]}`;
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new ContractError('invalid_key', `The ${options.width} px rendition's key ${problem}.`, 'key');
  }
  return key;
}

/**
 * The parts of a rendition key under `prefix`, or undefined when `key` is not one: what a
 * listing uses to hide renditions from a gallery of originals and to find an original's
 * thumbnails (to show them, or to delete them with it).
 *
 * @example
 * ```ts
 * parseRenditionKey('users/alice/.thumbnails/320/3f9c/cat.jpg.webp', 'users/alice/');
 * // { originalKey: 'users/alice/3f9c/cat.jpg', width: 320, format: 'webp' }
 * parseRenditionKey('users/alice/3f9c/cat.jpg', 'users/alice/'); // undefined
 * ```
 */
export function parseRenditionKey(key: string, prefix: string): RenditionKeyParts | undefined {
  const folder = prefix + RENDITIONS_FOLDER;
  if (!key.startsWith(folder)) return undefined;
  const match = /^([1-9][0-9]{0,4})\/(.+)\.([a-z]+)$/.exec(key.slice(folder.length));
  if (match === null) return undefined;
  const [, width, rest, extension] = match as unknown as [string, string, string, string];
  const format = (Object.keys(RENDITION_FORMATS) as RenditionFormat[]).find(
    (name) => RENDITION_FORMATS[name] === extension,
  );
  const parsedWidth = Number(width);
  if (format === undefined || parsedWidth > MAX_RENDITION_WIDTH) return undefined;
  return { originalKey: prefix + rest, width: parsedWidth, format };
}

/**
 * True for a key under `<prefix>.thumbnails/`: the whole folder is reserved for
 * renditions, so a listing of originals skips all of it, even keys that do not parse.
 */
export function isRenditionKey(key: string, prefix: string): boolean {
  return key.startsWith(prefix + RENDITIONS_FOLDER);
}
