import type { Output } from './io.js';

const WIDTH = 24;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * One line per file on standard error: redrawn in place on a terminal, and on a log (CI,
 * a server job) printed at each 25 % so the log stays short.
 */
export class ProgressBar {
  readonly #out: Output;
  readonly #name: string;
  readonly #total: number;
  #lastQuarter = -1;

  constructor(out: Output, name: string, total: number) {
    this.#out = out;
    this.#name = name;
    this.#total = total;
  }

  update(loaded: number): void {
    const ratio = this.#total > 0 ? Math.min(loaded / this.#total, 1) : 1;
    if (this.#out.isTTY) {
      const filled = Math.round(ratio * WIDTH);
      this.#out.write(
        `\r${this.#name} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${formatBytes(loaded)}/${formatBytes(this.#total)}`,
      );
      return;
    }
    const quarter = Math.floor(ratio * 4);
    if (quarter > this.#lastQuarter) {
      this.#lastQuarter = quarter;
      this.#out.write(
        `${this.#name}: ${quarter * 25}% (${formatBytes(loaded)} of ${formatBytes(this.#total)})\n`,
      );
    }
  }

  done(message: string): void {
    this.#out.write(`${this.#out.isTTY ? '\r\x1b[K' : ''}${message}\n`);
  }
}
