import {
  contentDisposition,
  encodeMetadataValue,
  MAX_USER_METADATA_BYTES,
  METADATA_NAME,
  metadataSize,
} from '@s3up/contract';
import { UploadError } from './errors.js';

// Per-file metadata: checked when the app gives it (add, setMetadata), so a file whose
// metadata S3 would refuse never sends a request; encoded as the contract says when the
// object is created (PutObject, CreateMultipartUpload).

/** Metadata for one file: `{ title: 'Sunset' }` is stored as `x-amz-meta-title`. */
export type FileMetadata = Readonly<Record<string, string>>;

function refuse(message: string): never {
  throw new UploadError('invalid-metadata', message);
}

/**
 * Checks metadata for a file and returns a frozen copy without blank values (an empty
 * optional field sends no header). Throws `invalid-metadata` for a name S3 cannot store, a
 * value that is not a string, or more than S3's 2 KB, naming the field and how much to cut.
 */
export function checkMetadata(metadata: unknown, fileName: string): FileMetadata {
  if (metadata === undefined) return Object.freeze({});
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    refuse(`metadata for ${fileName} must be an object of strings, like { title: 'Sunset' }.`);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_NAME.test(name)) {
      const suggestion = name
        .toLowerCase()
        .replace(/^x-amz-meta-/, '')
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '');
      refuse(
        `metadata name "${name}" for ${fileName} cannot be stored: S3 keeps lowercase letters, digits and "-" (x-amz-meta-<name>)${suggestion ? `; use "${suggestion}"` : ''}.`,
      );
    }
    if (typeof value !== 'string')
      refuse(`metadata "${name}" for ${fileName} must be a string; got ${typeof value}.`);
    if (value.trim() !== '') kept[name] = value;
  }
  const size = metadataSize(kept);
  if (size.over) {
    const { field, bytes, characters } = size.over;
    refuse(
      `The metadata of ${fileName} is ${size.bytes} bytes, over S3's limit of ${MAX_USER_METADATA_BYTES} (the UTF-8 bytes of every name and value, non-ASCII as sent): shorten "${field}" by ${characters} character${characters === 1 ? '' : 's'} (${bytes} bytes).`,
    );
  }
  return Object.freeze(kept);
}

/** What PutObject and CreateMultipartUpload carry for a file: its metadata and its name. */
export function objectHeaders(
  name: string,
  metadata: FileMetadata,
  disposition: 'inline' | 'attachment' | false,
): { metadata?: Record<string, string>; contentDisposition?: string } {
  const entries = Object.entries(metadata);
  return {
    ...(entries.length
      ? { metadata: Object.fromEntries(entries.map(([k, v]) => [k, encodeMetadataValue(v)])) }
      : {}),
    ...(disposition ? { contentDisposition: contentDisposition(name, disposition) } : {}),
  };
}
