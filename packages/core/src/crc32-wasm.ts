// The parts of hash-wasm the engine uses on the calling thread. Imported dynamically (for
// CRC-32 only where node:zlib is missing, that is in browsers; for CRC-32C and CRC-64/NVME
// everywhere; and only once checksums are on); static named re-exports, so bundlers leave
// out hash-wasm's other algorithms.
export { createCRC32, createCRC64 } from 'hash-wasm';
