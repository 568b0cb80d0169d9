import { S3UploadElementError } from './errors.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * Reads a size attribute such as `max-file-size="10 MB"`: plain bytes or a number with
 * a unit (kB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024), because
 * authors write sizes the way people say them.
 *
 * @throws {S3UploadElementError} `config`, naming `attribute`, when the text is not a size.
 */
export function parseByteSize(text: string, attribute: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new S3UploadElementError(
      'config',
      `${attribute}="${text}" is not a size: write bytes ("10485760") or a number with a unit ("10 MB", "5 MiB")`,
    );
  }
  return Math.floor(Number(match[1]) * factor);
}
