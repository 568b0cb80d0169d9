import { TokenServerError } from './errors.js';

/**
 * Matches browser origins against an allowlist of exact origins (`https://app.example.com`),
 * any port on a host (`http://localhost:*`) or subdomains (`https://*.example.com`).
 * Entries are validated when the list is built, so a typo fails at start, not per request.
 *
 * @example
 * ```ts
 * const allowed = originAllowlist(['https://app.example.com', 'http://localhost:*']);
 * allowed('http://localhost:5173'); // true
 * allowed('https://evil.example');   // false
 * ```
 */
export function originAllowlist(entries: readonly string[]): (origin: string) => boolean {
  const matchers = entries.map(compile);
  return (origin) => matchers.some((m) => m.test(origin));
}

function compile(entry: string): RegExp {
  const m = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?$/i.exec(entry);
  if (!m) {
    throw new TokenServerError(
      'invalid_config',
      `allowedOrigins: "${entry}" is not an origin; write scheme://host[:port], e.g. https://app.example.com, ` +
        'http://localhost:* (any port) or https://*.example.com (subdomains). No path, no trailing slash.',
    );
  }
  const [, scheme, sub, host, port] = m;
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hostPart = `${sub ? '(?:[a-z0-9-]+\\.)+' : ''}${escapeRegExp(host!.toLowerCase())}`;
  const portPart = port === '*' ? '(?::\\d{1,5})?' : port ? `:${port}` : '';
  return new RegExp(`^${scheme!.toLowerCase()}://${hostPart}${portPart}$`, 'i');
}
