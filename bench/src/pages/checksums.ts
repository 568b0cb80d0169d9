import { loadCrc32 } from '../../../packages/core/src/checksum.js';
import { Crc32Offload } from '../../../packages/core/src/crc32-offload.js';

// The engine's per-part CRC-32 in Chromium (issue 21 item 5, issue 14 item 7), in each way
// core can compute it in a browser: in its Worker (the default), on the main thread with
// hash-wasm (a CSP that refuses blob: workers), on the main thread with the JS table (a CSP
// that refuses WebAssembly too). Parts are slices of a file on disk, as the engine's are. The harness reads
// the renderer main thread's CPU time around `benchCrc` (/proc schedstat).
export type CrcMode = 'worker' | 'main-wasm' | 'main-js';

declare global {
  interface Window {
    benchCrcPrepare?: (partSize: number, parts: number) => void;
    benchCrcWarm?: (mode: CrcMode) => Promise<void>;
    benchCrc?: (
      mode: CrcMode,
      concurrency: number,
    ) => Promise<{ places: string[]; implementation: string; wallMs: number; mib: number }>;
  }
}

let blob: Blob | undefined;
let partSize = 0;
let offload: Crc32Offload | undefined;
// Held so the idle marker Workers stay alive for the page's lifetime.
const markers: Worker[] = [];

// The parts are slices of a file on disk that the harness gave the page's #file input, as the
// engine's are: the browser reads them, the page holds only a handle.
window.benchCrcPrepare = (size, parts) => {
  const file = document.querySelector<HTMLInputElement>('#file')?.files?.[0];
  if (!file) throw new Error('no file in #file');
  blob = file.slice(0, Math.min(file.size, size * parts));
  partSize = size;
};

// Once per page, outside the measurement: the Worker started and its WebAssembly compiled (or
// hash-wasm loaded on the main thread), as after the engine's first part of an upload.
window.benchCrcWarm = async (mode) => {
  if (!blob) throw new Error('benchCrcPrepare first');
  offload = new Crc32Offload(mode === 'worker' ? {} : { Worker: undefined });
  // An idle Worker in the main-thread modes: it marks this page's renderer process for the
  // harness (a thread named DedicatedWorker) and does nothing else.
  if (mode !== 'worker' && markers.length === 0)
    markers.push(
      new Worker(URL.createObjectURL(new Blob(['onmessage=()=>{}'], { type: 'text/javascript' }))),
    );
  await offload.crc(blob.slice(0, Math.min(blob.size, 2 * 1024 * 1024)));
  await loadCrc32(mode === 'main-js' ? 'js' : undefined);
};

window.benchCrc = async (mode, concurrency) => {
  if (!blob || !offload) throw new Error('benchCrcPrepare and benchCrcWarm first');
  const whole = blob;
  const parts = Math.ceil(whole.size / partSize);
  const table = mode === 'main-js' ? await loadCrc32('js') : undefined;
  const places = new Set<string>();
  let implementation = mode === 'main-js' ? 'js' : 'wasm';
  if (mode === 'main-wasm') implementation = (await loadCrc32()).implementation;
  const t0 = performance.now();
  let next = 0;
  // Like the engine: up to `concurrency` parts hashed at once, each read from its Blob slice.
  const lane = async () => {
    while (next < parts) {
      const i = next++;
      const slice = whole.slice(i * partSize, Math.min(whole.size, (i + 1) * partSize));
      if (table) {
        table.crc32(new Uint8Array(await slice.arrayBuffer()));
        places.add('main-thread');
      } else {
        places.add((await offload!.crc(slice)).place);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return {
    places: [...places],
    implementation,
    wallMs: performance.now() - t0,
    mib: whole.size / 1024 / 1024,
  };
};
// The harness waits for benchUpload to know the page is ready.
window.benchUpload = async () => {
  throw new Error('the checksums page does not upload');
};
