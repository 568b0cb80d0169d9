// Sizes, speeds and durations in the reader's locale through Intl, so "1,5 Mo/s" reads
// right in French without a table of units per language.

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  // Formatters are costly to build and a long list formats thousands of values a second.
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

function scale(bytes: number): { value: number; unit: (typeof SIZE_UNITS)[number] } {
  // Decimal units (1 kB = 1000 B), as operating systems' file managers show sizes.
  let value = Math.max(0, bytes);
  let index = 0;
  while (value >= 1000 && index < SIZE_UNITS.length - 1) {
    value /= 1000;
    index += 1;
  }
  return { value, unit: SIZE_UNITS[index]! };
}

/** `1536000` → "1.5 MB" (en), "1,5 Mo" (fr); `12` → "12 B". */
export function formatBytes(bytes: number, locale: string): string {
  const { value, unit } = scale(bytes);
  return spaced(
    numberFormat(locale, {
      style: 'unit',
      unit,
      // "12 B" rather than "12 byte": the short form of byte is the word in most locales.
      unitDisplay: unit === 'byte' ? 'narrow' : 'short',
      maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0,
    }),
    value,
    locale,
  );
}

/** Bytes per second → "2.3 MB/s". */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  const { value, unit } = scale(bytesPerSecond);
  return spaced(
    numberFormat(locale, {
      style: 'unit',
      unit: `${unit}-per-second`,
      unitDisplay: unit === 'byte' ? 'narrow' : 'short',
      maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0,
    }),
    value,
    locale,
  );
}

/**
 * The narrow byte of many locales has no space ("0B" in English) where their kilobytes and
 * megabytes have one ("1.5 kB"): "0B of 100B" beside "5 kB" read as a different style. A size
 * whose number and unit touch gets the separator the locale puts in its kilobytes.
 */
function spaced(format: Intl.NumberFormat, value: number, locale: string): string {
  const parts = format.formatToParts(value);
  const at = parts.findIndex((p) => p.type === 'unit');
  if (at < 0 || parts[at - 1]?.type === 'literal' || parts[at + 1]?.type === 'literal')
    return format.format(value);
  const separator = unitSeparator(locale);
  const before = parts
    .slice(0, at)
    .map((p) => p.value)
    .join('');
  const after = parts
    .slice(at + 1)
    .map((p) => p.value)
    .join('');
  return at === 0
    ? `${parts[0]!.value}${separator}${after}`
    : `${before}${separator}${parts[at]!.value}${after}`;
}

const separators = new Map<string, string>();
/** What the locale puts between a size and its unit ("1.5 kB": a space; "1,5 ko": a no-break space). */
function unitSeparator(locale: string): string {
  let separator = separators.get(locale);
  if (separator === undefined) {
    const parts = numberFormat(locale, {
      style: 'unit',
      unit: 'kilobyte',
      unitDisplay: 'short',
    }).formatToParts(1);
    const at = parts.findIndex((p) => p.type === 'unit');
    const literal = parts[at - 1]?.type === 'literal' ? parts[at - 1] : parts[at + 1];
    separator = literal?.type === 'literal' ? literal.value : '\u00a0';
    separators.set(locale, separator);
  }
  return separator;
}

/**
 * Seconds → "1 hr, 5 min" / "45 sec": two units at most, because "time left" is an
 * estimate and more precision would only flicker.
 */
export function formatDuration(seconds: number, locale: string): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const parts: string[] = [];
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  if (hours > 0) {
    parts.push(unit(hours, 'hour'));
    if (minutes > 0) parts.push(unit(minutes, 'minute'));
  } else if (minutes > 0) {
    parts.push(unit(minutes, 'minute'));
    if (secs > 0 && minutes < 10) parts.push(unit(secs, 'second'));
  } else {
    parts.push(unit(secs, 'second'));
  }
  return listFormat(locale).format(parts);
}

const lists = new Map<string, Intl.ListFormat>();
function listFormat(locale: string): Intl.ListFormat {
  let format = lists.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { type: 'unit', style: 'short' });
    lists.set(locale, format);
  }
  return format;
}

/**
 * Builds the formatters a row's progress line uses, ahead of need. A page's first Intl
 * formatter loads the locale's data: 20 to 30 ms of main-thread CPU on a loaded 2-core
 * machine, which otherwise fell between the user's pick and the upload's first request
 * (issue 21's profile). The element calls it when the page is idle, with the SDK preload.
 */
export function prepareFormatters(locale: string): void {
  formatCount(1, locale);
  formatBytes(1_500_000, locale);
  formatSpeed(1_500_000, locale);
  formatDuration(65, locale);
}

/** A count in the locale ("1,234"). */
export function formatCount(count: number, locale: string): string {
  return numberFormat(locale, {}).format(count);
}
