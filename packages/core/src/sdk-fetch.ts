/**
 * Starts downloading the AWS SDK chunk without the engine. For a UI that loads the engine
 * itself lazily (`@s3up/element` does, after its first render): both then download at once
 * instead of the SDK waiting for the engine to arrive and ask for it. The engine's own
 * `preloadSdk()` still does the warm-up; this only fetches and evaluates the module.
 *
 * @example
 * void fetchSdk();
 * const { Uploader } = await import('@s3up/core');
 */
export function fetchSdk(): Promise<void> {
  return import('./s3-sdk.js').then(
    () => {},
    () => {},
  );
}
