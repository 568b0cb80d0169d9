import type { ThumbnailOption } from '@s3up/core';
import { LitElement, type PropertyDeclarations } from 'lit';
import {
  autoAttribute,
  readCount,
  readMilliseconds,
  readSize,
  readSwitch,
  textAttribute,
} from './attribute-converters.js';
import type { FieldSpec, FieldsValidator } from './file-fields.js';
import type { MessageOverrides } from './messages/catalog.js';

/** The properties that take a number or the text their attribute takes. */
type NumericProperty =
  | 'maxFileSize'
  | 'maxFiles'
  | 'concurrency'
  | 'partSize'
  | 'pauseGrace'
  | 'flightTime'
  | 'maxDimension';

/** The app's hook for the credentials request: add an `Authorization` header, cookies, etc. */
export type CredentialsRequestHook = (init: RequestInit) => RequestInit | Promise<RequestInit>;
/** A thumbnail to upload beside each photo (the engine's option, re-exported for the `thumbnails` property). */
export type { ThumbnailOption };
/** Chooses the object key of a file; it must start with `ctx.prefix` (the user's prefix). */
export type KeyForHook = (file: File, ctx: { prefix: string; id: string }) => string;
export type { FieldSpec, FieldsValidator };

/**
 * What `<s3-upload>` is configured with: its properties, their attributes and how the
 * attributes' text is read (sizes with units, counts, switches that default to on). The
 * element (`s3-upload.ts`) extends it; each property's JSDoc is its API contract.
 */
export class S3UploadSettings extends LitElement {
  static override properties: PropertyDeclarations = {
    endpoint: { reflect: true },
    accept: { reflect: true },
    maxFileSize: { attribute: 'max-file-size', converter: textAttribute },
    maxFiles: { attribute: 'max-files', converter: textAttribute },
    multiple: { type: Boolean, reflect: true },
    directory: { type: Boolean, reflect: true },
    auto: { converter: autoAttribute },
    receipts: { converter: autoAttribute },
    unloadGuard: { attribute: 'unload-guard', converter: autoAttribute },
    concurrency: { converter: textAttribute },
    partSize: { attribute: 'part-size', converter: textAttribute },
    pauseGrace: { attribute: 'pause-grace', converter: textAttribute },
    flightTime: { attribute: 'flight-time', converter: textAttribute },
    maxDimension: { attribute: 'max-dimension', converter: textAttribute },
    imageFormat: { attribute: 'image-format', reflect: true },
    imageQuality: { attribute: 'image-quality', type: Number },
    keepOriginal: { attribute: 'keep-original', type: Boolean, reflect: true },
    keepLocation: { attribute: 'keep-location', type: Boolean, reflect: true },
    thumbnails: {},
    fields: {},
    validateFields: { attribute: false },
    fieldValues: { attribute: false },
    disabled: { type: Boolean, reflect: true },
    name: { reflect: true },
    required: { type: Boolean, reflect: true },
    locale: { reflect: true },
    theme: { reflect: true },
    credentialsRequest: { attribute: false },
    keyFor: { attribute: false },
    messages: { attribute: false },
  };

  /**
   * The token server's credentials URL (`POST`, answers temporary keys). Default none:
   * without it files are listed as "uploads are not configured" and nothing is sent.
   */
  declare endpoint: string | undefined;
  /**
   * Accepted types, as `<input accept>`: `image/*,.pdf`. Default none (any type). Checked
   * again after picking, dropping and pasting: the picker's filter is only a hint.
   */
  declare accept: string | undefined;
  /**
   * Largest file, in bytes or with a unit (`"20 MB"`, `"5 GiB"`); the property takes the
   * same text or a number. Default none (S3's own limit).
   */
  get maxFileSize(): number | undefined {
    return this.#numbers.maxFileSize;
  }
  set maxFileSize(value: number | string | undefined | null) {
    this.#setNumber('maxFileSize', 'max-file-size', readSize, value);
  }
  /** Most files in the list (refused and cancelled ones do not count); a number or `"50"`. Default none. */
  get maxFiles(): number | undefined {
    return this.#numbers.maxFiles;
  }
  set maxFiles(value: number | string | undefined | null) {
    this.#setNumber('maxFiles', 'max-files', readCount, value);
  }
  /** Allow more than one file. Default false, like `<input type=file>`: a new file then replaces the old one. */
  declare multiple: boolean;
  /** The browse button picks a folder (with its sub-folders) instead of files. Default false. Dropped folders work either way. */
  declare directory: boolean;
  /**
   * Start uploading as soon as files are added. Default true; `auto="false"` shows an Upload
   * button instead. The property takes the attribute's text too (`"false"` is off).
   */
  get auto(): boolean {
    return this.#switches.auto;
  }
  set auto(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.auto = readSwitch(value);
  }
  /**
   * Report each stored file to the token server (`POST /uploads`, an upload receipt) when its
   * credentials answer offers it; the receipt is in `s3-upload-succeeded`. Default true;
   * `receipts="false"` turns it off (as does the property set to `false` or `"false"`).
   */
  get receipts(): boolean {
    return this.#switches.receipts;
  }
  set receipts(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.receipts = readSwitch(value);
  }
  /**
   * While uploads run, closing or reloading the page asks first (a `beforeunload` guard),
   * and the screen is kept awake where the browser allows (Screen Wake Lock); both are
   * dropped when the work ends. Default on; `unload-guard="false"` turns the guard off (as
   * does the property set to `false` or `"false"`).
   */
  get unloadGuard(): boolean {
    return this.#switches.unloadGuard;
  }
  set unloadGuard(value: boolean | 'true' | 'false' | null | undefined) {
    this.#switches.unloadGuard = readSwitch(value);
  }
  /**
   * The switches that default to on. Kept behind accessors because React 19, Vue and Svelte
   * set the property to a template's text: `auto="false"` must be off, not the truthy "false".
   */
  readonly #switches = { auto: true, receipts: true, unloadGuard: true };
  /** Requests in flight across all files; a number or `"2"`. Default the engine's: 6, the browser's per-origin limit. */
  get concurrency(): number | undefined {
    return this.#numbers.concurrency;
  }
  set concurrency(value: number | string | undefined | null) {
    this.#setNumber('concurrency', 'concurrency', readCount, value);
  }
  /** Multipart part size, bytes or with a unit (min 5 MiB). Default the engine's: 8 MiB. */
  get partSize(): number | undefined {
    return this.#numbers.partSize;
  }
  set partSize(value: number | string | undefined | null) {
    this.#setNumber('partSize', 'part-size', readSize, value);
  }
  /**
   * How long a pause lets parts that are nearly sent finish, so their bytes are kept (the row
   * says "Pausing…" meanwhile; a second press pauses at once), in milliseconds: a number or
   * `"5000"`; `0` pauses at once and drops the parts in flight. Default the engine's: 5000.
   */
  get pauseGrace(): number | undefined {
    return this.#numbers.pauseGrace;
  }
  set pauseGrace(value: number | string | undefined | null) {
    this.#setNumber('pauseGrace', 'pause-grace', readMilliseconds, value);
  }

  /**
   * How much sending may be in flight, as time of the measured uplink, in milliseconds: a
   * number or `"10000"`. Parts start while the bytes in flight stay within about this much of
   * what the link carries, so a pause or a reload loses at most about this much sending on a
   * slow link; `0` turns the bound off (always `concurrency` parts). Default the engine's: 10000.
   */
  get flightTime(): number | undefined {
    return this.#numbers.flightTime;
  }
  set flightTime(value: number | string | undefined | null) {
    this.#setNumber('flightTime', 'flight-time', readMilliseconds, value);
  }

  /**
   * Photos larger than this many pixels on their longer side are scaled down (in a Worker,
   * EXIF orientation applied) and re-encoded before upload; a number or `"2048"`. Default
   * none: photos keep their size.
   */
  get maxDimension(): number | undefined {
    return this.#numbers.maxDimension;
  }
  set maxDimension(value: number | string | undefined | null) {
    this.#setNumber('maxDimension', 'max-dimension', readCount, value);
  }
  /**
   * Encoding of resized photos, or of every photo when not `same`: `jpeg`, `webp`, `avif`
   * (WebP where the browser has no AVIF encoder, with a note). Default `same`.
   */
  declare imageFormat: 'same' | 'jpeg' | 'webp' | 'avif' | undefined;
  /** 0..1 for re-encoded photos. Default 0.85. */
  declare imageQuality: number | undefined;
  /** Upload photos' own bytes: no resize, no re-encoding (thumbnails are still made). Default false. */
  declare keepOriginal: boolean;
  /**
   * Keep where photos were taken. Default false: the GPS position (EXIF) and XMP location of
   * a JPEG are removed before upload, losslessly (the image is not re-encoded), and the
   * success event says what was removed.
   */
  declare keepLocation: boolean;
  /**
   * Thumbnails to upload beside each photo, under `<prefix>.thumbnails/<width>/<key>.<ext>`
   * (`renditionKey` of `@s3up/contract`): `"320"`, `"320 1280:jpeg"` (width[:format]), or the
   * engine's array `[{ width: 320, format: 'webp' }]`. Default none.
   */
  declare thumbnails: string | readonly ThumbnailOption[] | undefined;
  /**
   * Fields each file's row asks for before its upload, stored with the object as
   * `x-amz-meta-<name>`: `"title description"` (a `*` after a name makes it required:
   * `"title*"`; `title` and `description` have built-in labels in every language) or specs
   * `[{ name: 'title', label: 'Caption', required: true, maxLength: 80 }, { name: 'credit' }]`.
   * With fields, uploads wait for Upload even when `auto` is on (unless `fieldValues` filled
   * every row in); the rows' values are checked (required, maxLength, S3's 2 KB of metadata,
   * `validateFields`) and the first row to fix gets the focus. Default none.
   */
  declare fields: string | readonly FieldSpec[] | undefined;
  /** The app's own check of a row's values: `(values, file) => ({ title: 'Already used' })` for what is wrong. */
  declare validateFields: FieldsValidator | undefined;
  /** A row's values when the file is listed: `(file) => ({ title: file.name.replace(/\.[^.]*$/, '') })`. */
  declare fieldValues: ((file: File) => Record<string, string> | undefined) | undefined;

  readonly #numbers: Record<NumericProperty, number | undefined> = {
    maxFileSize: undefined,
    maxFiles: undefined,
    concurrency: undefined,
    partSize: undefined,
    pauseGrace: undefined,
    flightTime: undefined,
    maxDimension: undefined,
  };
  /** The attribute being applied, while Lit copies an attribute's text to its property. */
  #fromAttribute: string | undefined;

  #setNumber(
    name: NumericProperty,
    attribute: string,
    read: (name: string, value: unknown) => number | undefined,
    value: unknown,
  ): void {
    try {
      this.#numbers[name] = read(this.#fromAttribute === attribute ? attribute : name, value);
    } catch (error) {
      // An attribute cannot throw to its author: say what is wrong, keep the previous value.
      if (this.#fromAttribute === attribute) console.error(error);
      else throw error;
    }
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    this.#fromAttribute = name;
    try {
      super.attributeChangedCallback(name, old, value);
    } finally {
      this.#fromAttribute = undefined;
    }
  }
  /** No adding, no buttons. Default false. Also disabled inside a disabled `<fieldset>`. */
  declare disabled: boolean;
  /** The form field name; each uploaded key is one value. Default none (not submitted). */
  declare name: string | undefined;
  /** The form is invalid until at least one upload succeeds. Default false. */
  declare required: boolean;
  /**
   * Language of the texts (`en`, `ar`, `de`, `es`, `fr`, `it`, `ja`, `nl`, `pl`, `pt-BR`, `zh-CN`;
   * regional tags fall back to the language).
   * Default: the nearest `lang` attribute, then the browser's language. Per element: two
   * elements on a page may use two languages.
   */
  declare locale: string | undefined;
  /**
   * Colours: `auto` follows the page's `color-scheme`, or the system's light or dark
   * preference when the page declares none; `light` and `dark` force one. Default `auto`.
   */
  declare theme: 'auto' | 'light' | 'dark';
  /** Adjusts the credentials request, e.g. adds `Authorization`. Default: a plain JSON POST. */
  declare credentialsRequest: CredentialsRequestHook | undefined;
  /** Custom object keys. Default `<prefix><id>/<path of the file>`. */
  declare keyFor: KeyForHook | undefined;
  /**
   * Replacement texts for this element, by message id (`{ browseFiles: 'Add photos' }`),
   * in the element's language; see the README for the ids and their placeholders.
   * Default none: the built-in texts of the element's locale.
   */
  declare messages: MessageOverrides | undefined;

  constructor() {
    super();
    this.multiple = false;
    this.directory = false;
    this.auto = true;
    this.receipts = true;
    this.unloadGuard = true;
    this.keepOriginal = false;
    this.keepLocation = false;
    this.disabled = false;
    this.required = false;
    this.theme = 'auto';
  }
}
