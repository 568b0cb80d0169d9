import { CliError } from './errors.js';

/** `https://api.example.com/uploads` → `https://api.example.com/uploads/credentials`; a URL already ending in /credentials is kept. */
export function credentialsUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CliError(
      'invalid_argument',
      `--token-url "${url}" is not a URL, e.g. https://app.example.com/api/s3up`,
      { cause: error },
    );
  }
  if (!/^https?:$/.test(parsed.protocol))
    throw new CliError('invalid_argument', `--token-url must be http(s); got "${url}".`);
  if (!/\/credentials\/?$/.test(parsed.pathname))
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/credentials`;
  return parsed.toString();
}
