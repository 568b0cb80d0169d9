import { fetchSdk, importEngine } from '#code-chunks';

/** The lazily loaded part of the element: `@s3up/core`'s engine and stores (engine-module.ts). */
export type EngineModule = typeof import('./engine-module.js');

let loading: Promise<EngineModule> | undefined;
let loaded: EngineModule | undefined;

/**
 * Loads the engine once per page, and starts fetching the AWS SDK with it (an upload needs
 * both; the SDK is the larger). A failed load (offline, a deploy that removed the chunk) is
 * forgotten, so the next call tries again.
 */
export function loadEngine(): Promise<EngineModule> {
  // The SDK starts downloading now too, beside the engine, not once the engine has arrived.
  if (!loading) void fetchSdk();
  loading ??= importEngine().then(
    (engine) => {
      loaded = engine;
      void engine.preloadSdk();
      return engine;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The engine module if it has loaded, for what must answer synchronously. */
export function loadedEngine(): EngineModule | undefined {
  return loaded;
}

/** Runs `task` when the page is idle (a timer where requestIdleCallback is missing: Safari); returns a cancel. */
export function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(task, { timeout: 5000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, 1000);
  return () => clearTimeout(id);
}
