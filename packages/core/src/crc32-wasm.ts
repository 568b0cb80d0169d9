// The one part of hash-wasm the engine uses. Imported dynamically (only where node:zlib is
// missing, that is in browsers, and only once checksums are on); a static named re-export,
// so bundlers leave out hash-wasm's other algorithms.
export { createCRC32 } from 'hash-wasm';
