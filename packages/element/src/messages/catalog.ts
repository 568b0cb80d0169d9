import { formatCount } from '../intl-units.js';

/**
 * A text whose wording depends on a count: one form per plural category of the language
 * (`Intl.PluralRules`: `zero`, `one`, `two`, `few`, `many`, `other`), `other` always given.
 * Polish needs `one`, `few`, `many`; Japanese only `other`; Arabic all six.
 */
export type PluralText = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * Every text `<s3-upload>` shows or announces, by id. `{name}` placeholders are filled in
 * (already formatted in the element's locale); plural texts pick their form by `{count}`.
 */
export interface Catalog {
  /** Per-file fields (`fields`): built-in labels for `title` and `description`. */
  fieldTitle: string;
  fieldDescription: string;
  /** The rename field of a pasted file. */
  fieldFileName: string;
  /** `{name}`: the group of a row's fields, for screen readers. */
  detailsFor: string;
  /** `{label}`: a required field left empty. */
  fieldRequired: string;
  /** `{label}`, `{max}`: a field over its `maxLength`. */
  fieldTooLong: string;
  /** `{label}`, `{count}`: the fields together are over S3's 2 KB of metadata; cut this many characters. */
  metadataTooLarge: string;
  /** Announced when Upload was pressed and some rows' fields need fixing. */
  detailsMissing: string;
  /** A queued row whose fields wait for the user. */
  statusNeedsDetails: string;
  /** The engine refused the metadata (`invalid-metadata`). */
  errorMetadata: string;
  dropHere: string;
  chooseFolder: string;
  browseFiles: string;
  browseFile: string;
  upload: string;
  files: string;
  totalProgress: string;
  /** `{accept}`: the `accept` attribute as written. */
  accepted: string;
  /** `{size}`: the per-file limit. */
  upToEach: string;
  /** `{count}`: `max-files`. */
  atMostFiles: PluralText;
  /** `{done}` of `{count}` files. */
  uploadedOf: PluralText;
  /** `{sent}` of `{total}` bytes. */
  bytesOf: string;
  /** `{duration}`: "2 min, 5 sec". */
  timeLeft: string;
  /** `{shown}` more rows of `{count}` hidden ones. */
  showMore: PluralText;
  statusWaiting: string;
  statusReady: string;
  statusUploading: string;
  statusPaused: string;
  /** A pause letting the parts about to finish complete. */
  statusPausing: string;
  /** Paused because the browser went offline; continues by itself. */
  statusOffline: string;
  /** A request failed or stalled and is being retried. */
  statusReconnecting: string;
  /** A photo is being resized or made thumbnails of, before its upload. */
  statusPreparing: string;
  /** A stored photo's GPS position (EXIF, XMP) was removed before upload. */
  locationRemoved: string;
  // Notes about a stored photo (`ImageNote` codes of @s3up/core), shown under its row.
  /** `metadata-unreadable`: uploaded unchanged, any location still in it. */
  noteMetadataUnreadable: string;
  /** `heic-location-kept`: HEIC uploaded as is, location not removed. */
  noteHeicLocationKept: string;
  /** `gif-kept`: not resized (animation), no thumbnail. */
  noteGifKept: string;
  /** `svg-kept`: not resized, no thumbnail. */
  noteSvgKept: string;
  /** `heic-not-decoded`: the browser cannot open HEIC; uploaded as is, location kept. */
  noteHeicNotDecoded: string;
  /** `not-decoded`: the image could not be opened; uploaded as is, no thumbnails. */
  noteNotDecoded: string;
  /** `format-fallback` for the photo: `{asked}` could not be encoded, saved as `{used}` (JPEG, WebP, AVIF, PNG). */
  noteFormatFallback: string;
  /** `format-fallback` for thumbnails: `{asked}`, `{used}` as above. */
  noteThumbnailsFormatFallback: string;
  /** `thumbnail-not-stored`: the `{width}` px thumbnail failed (the photo is stored). */
  noteThumbnailNotStored: string;
  /** Another tab of the site drives this file's stored upload; this row waits for it. */
  statusOtherTab: string;
  /** Uploaded: another tab completed the upload this row had resumed. */
  statusDoneElsewhere: string;
  /** `{name}`: the second press on pause, while pausing: stop now. */
  pauseNowFile: string;
  /** `{count}`: rows of finished, cancelled or refused files. */
  clearFinished: PluralText;
  /** Heading of the uploads a reload or a closed tab left unfinished. */
  interruptedTitle: string;
  /** `{stored}` of `{total}` stored, `{age}` ago ("3 MB of 10 MB stored · 2 hours ago"). */
  interruptedLine: string;
  /** The visible words of the Continue and Discard buttons (their labels name the file). */
  continueButton: string;
  discardButton: string;
  /** `{name}`: continue that upload (the file may have to be picked again). */
  continueFile: string;
  /** `{name}`: abort that upload and delete its stored parts. */
  discardFile: string;
  /** `{picked}` is not `{name}`: the file picked to continue is another one. */
  wrongFile: string;
  /** `{name}`: a kept file that was edited since its upload began (it cannot continue). */
  fileChanged: string;
  /** `{count}` failed rows, in the summary line. */
  summaryFailed: string;
  /** `{count}` refused rows, in the summary line. */
  summaryRefused: string;
  statusSucceeded: string;
  statusFailed: string;
  statusCancelled: string;
  statusRefused: string;
  /** Row buttons; `{name}`: the file's path. */
  pauseFile: string;
  resumeFile: string;
  cancelFile: string;
  retryFile: string;
  /** Takes the row off the list; says so, since the uploaded object stays in the bucket. */
  removeFile: string;
  /** A row's progress bar label. */
  uploadOf: string;
  /** A progress bar's spoken value: `{percent}` and `{progress}` ("1 MB of 2 MB"). */
  percentDone: string;
  /** Form validation. */
  requiredMessage: string;
  waitMessage: string;
  /** The live region. */
  fileAdded: string;
  filesAdded: PluralText;
  fileRefused: string;
  filesRefused: PluralText;
  fileUploaded: string;
  filesUploaded: PluralText;
  fileFailed: string;
  filesFailed: PluralText;
  allDone: string;
  /** Why a file was refused (`Refusal.code`). */
  refusedType: string;
  refusedTooLarge: string;
  refusedTooMany: PluralText;
  refusedOnlyOne: string;
  refusedDuplicate: string;
  refusedNotConfigured: string;
  /** Why an upload failed (`UploadError.code` from `@s3up/core`). */
  errorCredentials: string;
  /** The token endpoint answered something the engine could not use (not a refusal). */
  errorCredentialsAnswer: string;
  /** `overwrite: false` and a file of that name is already stored. */
  errorExists: string;
  errorNetwork: string;
  errorAccessDenied: string;
  errorTooLarge: string;
  errorAborted: string;
  errorIntegrity: string;
  errorMisconfigured: string;
  errorOther: string;
}

export type MessageId = keyof Catalog;

/** An app's replacements for some texts (`element.messages`), in the element's language. */
export type MessageOverrides = Partial<Catalog>;

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralCategory(locale: string, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(count);
}

/**
 * The texts of one language, with an app's overrides on top. Pure: the same locale,
 * catalogue and values always give the same text, so any element, test or server can
 * ask for a message without an element instance.
 */
export class Messages {
  readonly locale: string;
  readonly #catalog: Catalog;

  constructor(locale: string, catalog: Catalog, overrides?: MessageOverrides) {
    this.locale = locale;
    this.#catalog = overrides ? { ...catalog, ...overrides } : catalog;
  }

  /**
   * The text `id` with `{placeholders}` filled from `values` (numbers formatted in the
   * locale). A plural text picks its form from `values.count` with `Intl.PluralRules`.
   */
  text(id: MessageId, values: Record<string, string | number> = {}): string {
    const entry: string | PluralText = this.#catalog[id];
    let template: string;
    if (typeof entry === 'string') {
      template = entry;
    } else {
      const count = Number(values.count ?? 0);
      template = entry[pluralCategory(this.locale, count)] ?? entry.other;
    }
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      // Numbers in the language's own digits and grouping ("3,000", "3 000", "٣٬٠٠٠").
      return typeof value === 'number' ? formatCount(value, this.locale) : value;
    });
  }
}
