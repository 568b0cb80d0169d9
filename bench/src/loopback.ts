import { BenchError } from './bench-error.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Benchmarks only ever target this machine: a load test must never be pointed elsewhere by mistake. */
export function assertLoopback(url: string | URL, what: string): URL {
  const parsed = new URL(url);
  if (!LOOPBACK.has(parsed.hostname))
    throw new BenchError(
      'not-loopback',
      `${what} is ${parsed.origin}: benchmarks only target loopback addresses`,
    );
  return parsed;
}
