import { type Crc32Implementation, loadCrc32 } from '../../../packages/core/src/checksum.js';

// Main-thread cost of the engine's per-part CRC-32 (issue 21 item 5): each implementation
// core can pick in a browser, over `parts` parts of `partSize` random bytes held in Blobs
// (as file slices are), timing only the CRC calls, which run on the main thread.
declare global {
  interface Window {
    benchChecksum?: (
      implementation: Crc32Implementation,
      partSize: number,
      parts: number,
    ) => Promise<{ implementation: string; msPerMiB: number; readMsPerMiB: number }>;
  }
}

function randomBlob(size: number): Blob {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return new Blob([bytes]);
}

window.benchChecksum = async (prefer, partSize, parts) => {
  const { crc32, implementation } = await loadCrc32(prefer);
  const blob = randomBlob(partSize * parts);
  let crcMs = 0;
  let readMs = 0;
  for (let i = 0; i < parts; i++) {
    const t0 = performance.now();
    const bytes = new Uint8Array(await blob.slice(i * partSize, (i + 1) * partSize).arrayBuffer());
    const t1 = performance.now();
    crc32(bytes);
    crcMs += performance.now() - t1;
    readMs += t1 - t0;
  }
  const mib = (partSize * parts) / 1024 / 1024;
  return { implementation, msPerMiB: crcMs / mib, readMsPerMiB: readMs / mib };
};
// The harness waits for benchUpload to know the page is ready.
window.benchUpload = async () => {
  throw new Error('the checksums page does not upload');
};
