import { CliError } from './errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses an operator's duration: `90s`, `15m`, `4h`, `7d`, or a bare number of seconds.
 * `name` is the flag or variable, for the message.
 *
 * @example parseDuration('2h', '--expires') // 7200
 */
export function parseDuration(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!match) {
    throw new CliError(
      'invalid_argument',
      `${name} must be a duration like 90s, 15m, 4h or 7d; got "${text}".`,
    );
  }
  const seconds = Math.round(Number(match[1]) * (UNITS[(match[2] || 's').toLowerCase()] ?? 1));
  if (seconds < 1)
    throw new CliError('invalid_argument', `${name} must be at least 1 second; got "${text}".`);
  return seconds;
}

/** `7200` → `2h`, `5400` → `1h30m`: for messages. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}
