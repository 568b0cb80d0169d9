// A setup file for the projects whose files share worker processes (`isolate: false` in
// vitest.config.ts): a worker runs one file after another in one process, so a global a
// file changes and does not put back breaks whichever file the worker runs next, far from
// the cause (a setTimeout left fake made the next file's tests time out at 20 s, and only
// in some orders). This fails the file that leaves the change, with what it changed.
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, vi } from 'vitest';

/** What a file may change while it runs, and must put back before it ends. */
const watched: Array<[string, () => unknown]> = [
  ...(
    [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'setImmediate',
      'clearImmediate',
      'queueMicrotask',
      'Date',
      'performance',
      'fetch',
      'Request',
      'Response',
      'Headers',
      'WebSocket',
      'XMLHttpRequest',
      'crypto',
      'navigator',
      'window',
      'document',
      'Worker',
    ] as const
  ).map((name): [string, () => unknown] => [
    `globalThis.${name}`,
    () => (globalThis as Record<string, unknown>)[name],
  ]),
  ['Math.random', () => Math.random],
  ['Date.now', () => Date.now],
  ['process.nextTick', () => process.nextTick],
  ['http.request', () => http.request],
  ['http.get', () => http.get],
  ['https.request', () => https.request],
  ['https.get', () => https.get],
];

let before: unknown[] = [];
let env: Record<string, string | undefined> = {};

beforeAll(() => {
  before = watched.map(([, read]) => read());
  env = { ...process.env };
});

// Setup-file hooks run around the file's own: this afterAll runs after the file's after hooks.
afterAll(() => {
  const left: string[] = [];
  if (vi.isFakeTimers()) left.push('fake timers are still on (vi.useRealTimers() in an after hook)');
  watched.forEach(([name, read], i) => {
    if (read() !== before[i]) left.push(`${name} is not the one the file started with`);
  });
  for (const key of new Set([...Object.keys(env), ...Object.keys(process.env)])) {
    if (process.env[key] !== env[key]) left.push(`process.env.${key} changed`);
  }
  if (left.length > 0) {
    throw new Error(
      `This file leaves changed globals to the next file its worker runs (isolate: false): ${left.join('; ')}. ` +
        'Put them back in afterEach/afterAll (restore spies before vi.useRealTimers()), or move the file to an isolated project in vitest.config.ts.',
    );
  }
});
