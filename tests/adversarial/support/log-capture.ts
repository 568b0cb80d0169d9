import type { DestinationStream } from 'pino';

/**
 * A pino destination that keeps every line, so a test can read the audit log (one line per
 * answered request) and scan it for leaks (case 10).
 */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    for (const part of line.split('\n')) if (part.trim() !== '') this.lines.push(part);
  }

  /** The lines parsed as JSON objects (pino writes one object per line). */
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
