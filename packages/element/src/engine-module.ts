// What only uploading needs from @s3up/core, in one module the element imports dynamically
// (engine-loader.ts): the engine, its key and fingerprint rules, the resume and handle stores.
// Rendering <s3-upload> never waits for it: the render path imports only @s3up/core's types
// and `overallProgress` (issue 21: the engine was 40% of the render bundle).
export {
  defaultKey,
  FileHandleStore,
  fingerprintOf,
  IndexedDbResumeStore,
  preloadSdk,
  Uploader,
} from '@s3up/core';
// The element's wrapper of the engine, which only uploading needs too.
export { ElementEngine } from './element-engine.js';
