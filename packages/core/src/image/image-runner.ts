import { type CodecRequest, type CodecResult, type ImageCodec, imageCodec } from './image-codec.js';

const RETRY_ON_MAIN = 'the image worker stopped; retry on the main thread';

/** Where images are decoded and encoded. */
export type ImageThread = 'worker' | 'main';

/**
 * Runs the codec in a Worker (the page stays responsive while a 24-megapixel photo is
 * decoded and encoded), or on the main thread where a Worker cannot draw (no
 * OffscreenCanvas: Safari before 16.4) or cannot start (a CSP without `worker-src blob:`),
 * or when asked (`thread: 'main'`, which the benchmark compares against).
 */
export class ImageRunner {
  readonly #thread: ImageThread;
  #worker: Worker | undefined;
  #workerFailed = false;
  #main: ImageCodec | undefined;
  #next = 0;
  readonly #pending = new Map<number, (result: CodecResult) => void>();

  constructor(thread: ImageThread) {
    this.#thread = thread;
  }

  /** Where the next image will be processed. */
  get thread(): ImageThread {
    return this.#thread === 'worker' && workerCanDraw() && !this.#workerFailed ? 'worker' : 'main';
  }

  render(request: CodecRequest): Promise<CodecResult> {
    const worker = this.thread === 'worker' ? this.#startWorker() : undefined;
    if (!worker) {
      this.#main ??= imageCodec();
      return this.#main.render(request);
    }
    const id = this.#next++;
    return new Promise<CodecResult>((resolve) => {
      this.#pending.set(id, resolve);
      worker.postMessage({ id, request });
    }).then((result) => (!result.ok && result.reason === RETRY_ON_MAIN ? this.render(request) : result));
  }

  /** Stops the Worker; images in progress resolve as failed (their files are uploaded as they are). */
  dispose(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const resolve of this.#pending.values())
      resolve({ ok: false, reason: 'the uploader was destroyed' });
    this.#pending.clear();
  }

  #startWorker(): Worker | undefined {
    if (this.#worker) return this.#worker;
    let url: string | undefined;
    try {
      const source = `const codec = (${imageCodec.toString()})();
self.onmessage = async (event) => {
  const { id, request } = event.data;
  let result;
  try { result = await codec.render(request); }
  catch (error) { result = { ok: false, reason: String(error && error.message || error) }; }
  self.postMessage({ id, result });
};`;
      url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      worker.onmessage = (event: MessageEvent<{ id: number; result: CodecResult }>) => {
        const resolve = this.#pending.get(event.data.id);
        this.#pending.delete(event.data.id);
        resolve?.(event.data.result);
      };
      worker.onerror = (event) => {
        // The script did not load (CSP) or crashed: what is pending is done on the main thread.
        event.preventDefault();
        this.#workerFailed = true;
        this.#worker?.terminate();
        this.#worker = undefined;
        const pending = [...this.#pending.values()];
        this.#pending.clear();
        for (const resolve of pending) resolve({ ok: false, reason: RETRY_ON_MAIN });
      };
      this.#worker = worker;
      return worker;
    } catch {
      this.#workerFailed = true;
      return undefined;
    } finally {
      // The Worker has fetched its script by the time it runs; revoke once it is loaded.
      const loaded = url;
      if (loaded) setTimeout(() => URL.revokeObjectURL(loaded), 10_000);
    }
  }
}

function workerCanDraw(): boolean {
  return (
    typeof Worker !== 'undefined' &&
    typeof OffscreenCanvas !== 'undefined' &&
    typeof URL.createObjectURL === 'function'
  );
}
