import { readdir, readFile } from 'node:fs/promises';
import { chromiumArgs, chromiumPath } from '@s3up/testkit';
import { BenchError } from './bench-error.js';
import { CdpPipe } from './cdp-pipe.js';
import type { PageUploadOptions, PageUploadResult } from './pages/page-protocol.js';

/** Memory of the page's renderer and of the browser, at one moment, in bytes. */
export interface MemorySample {
  /** `Performance.getMetrics` JSHeapUsedSize of the page. */
  jsHeapUsed: number;
  /** Resident memory of the page's own renderer process (/proc/<pid>/status VmRSS). */
  rendererRss: number;
  /**
   * The renderer's private memory: RssAnon + VmSwap, what Chromium itself reports as a
   * process's memory footprint on Linux. Unlike VmRSS it leaves out file-backed pages, which
   * here are the Chromium binary's code paged in as code paths first run: shared with every
   * Chromium process, dropped by the kernel under pressure, and not the page's memory.
   */
  rendererPrivate: number;
  /** Resident memory of every Chromium process: browser, network service, renderers. */
  chromiumRss: number;
}

/** Peak memory seen while a page uploaded, in bytes. */
export interface MemoryPeaks extends MemorySample {
  /** The same right after the page loaded, before the upload started. */
  baseline: MemorySample;
  samples: number;
}

export interface UploadInPageOptions extends PageUploadOptions {
  pageUrl: string;
  filePath: string;
  /** Give up after this long (every loop is bounded). */
  timeoutMs: number;
  /**
   * Sample memory every 250 ms while uploading. `collected`: a full garbage collection in
   * the page before each sample (and the baseline), so the samples are what the page holds,
   * not garbage awaiting collection, whose amount depends on when V8 and Blink's collector
   * run and grows with a run's length when nothing is kept.
   */
  sampleMemory?: boolean | 'collected';
  /** Run in this context (kept open) instead of a fresh one. */
  context?: BrowserContext;
  /** Called when the upload is done, before the page's context closes (and its renderer exits). */
  done?: () => Promise<void>;
}

/** A browser context (its own cache, cookies and IndexedDB), as an incognito window. */
export interface BrowserContext {
  readonly id: string;
  close(): Promise<void>;
}

/** One tab, attached over the pipe (flat session). */
export interface BenchPage {
  readonly sessionId: string;
  /** Evaluates `expression` in the page (awaiting a promise) and returns its JSON value. */
  evaluate<T>(expression: string, timeoutMs?: number): Promise<T>;
  reload(): Promise<void>;
  /** Polls `expression` until it is truthy, bounded by `timeoutMs`. */
  waitFor(expression: string, timeoutMs: number): Promise<void>;
}

/** VmRSS and the private footprint (RssAnon + VmSwap) of a process, in bytes. */
async function residentOf(pid: number): Promise<{ rss: number; private: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: field('VmRSS'), private: field('RssAnon') + field('VmSwap') };
}

interface EvaluateAnswer {
  result: { value?: unknown; objectId?: string; description?: string };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

/**
 * Debian's Chromium, headless, driven over `--remote-debugging-pipe` by `CdpPipe` (no
 * DevTools Network domain, see cdp-pipe.ts): one browser for a whole benchmark, a fresh
 * context (no cache, no IndexedDB) for every round.
 *
 * @example
 * const browser = await BrowserSession.launch();
 * const { result } = await browser.upload({ pageUrl, filePath, key, partSize, concurrency, timeoutMs: 60_000 });
 */
export class BrowserSession {
  readonly #cdp: CdpPipe;
  readonly #version: string;

  private constructor(cdp: CdpPipe, version: string) {
    this.#cdp = cdp;
    this.#version = version;
  }

  static async launch(): Promise<BrowserSession> {
    try {
      const cdp = await CdpPipe.launch(chromiumPath(), chromiumArgs);
      const { product } = await cdp.send<{ product: string }>('Browser.getVersion');
      return new BrowserSession(cdp, product);
    } catch (error) {
      throw new BenchError('browser', `Chromium did not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  get version(): string {
    return this.#version;
  }

  /** The browser process: its descendants are the renderers, the network service and the GPU process. */
  get pid(): number {
    return this.#cdp.pid;
  }

  /** A raw DevTools command (the probe's Profiler and Tracing calls); `sessionId` for a page's. */
  send<T>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs?: number,
  ): Promise<T> {
    return this.#cdp.send<T>(method, params, sessionId, timeoutMs);
  }

  /** DevTools events of every session (the memory probe's heap snapshot chunks); returns the function that stops listening. */
  on(listener: (method: string, params: Record<string, unknown>, sessionId?: string) => void): () => void {
    return this.#cdp.on(listener);
  }

  async newContext(): Promise<BrowserContext> {
    const { browserContextId } = await this.#cdp.send<{ browserContextId: string }>(
      'Target.createBrowserContext',
      { disposeOnDetach: false },
    );
    return {
      id: browserContextId,
      close: async () => {
        await this.#cdp.send('Target.disposeBrowserContext', { browserContextId }).catch(() => {});
      },
    };
  }

  /** Loads the page and waits for its contender code. */
  async openPage(context: BrowserContext, pageUrl: string): Promise<BenchPage> {
    const { targetId } = await this.#cdp.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
      browserContextId: context.id,
    });
    const { sessionId } = await this.#cdp.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const cdp = this.#cdp;
    const page: BenchPage = {
      sessionId,
      async evaluate<T>(expression: string, timeoutMs = 30_000): Promise<T> {
        const answer = await cdp.send<EvaluateAnswer>(
          'Runtime.evaluate',
          { expression, awaitPromise: true, returnByValue: true },
          sessionId,
          timeoutMs,
        );
        if (answer.exceptionDetails)
          throw new BenchError(
            'browser',
            answer.exceptionDetails.exception?.description?.split('\n')[0] ?? answer.exceptionDetails.text,
          );
        return answer.result.value as T;
      },
      async reload() {
        // Gone from the old document first, so waiting for it cannot see the page before the reload.
        await page.evaluate('delete window.benchUpload');
        await cdp.send('Page.reload', {}, sessionId);
      },
      async waitFor(expression: string, timeoutMs: number) {
        const deadline = Date.now() + timeoutMs;
        while (!(await page.evaluate<boolean>(`!!(${expression})`).catch(() => false))) {
          if (Date.now() > deadline) {
            const errors = await page.evaluate<string[]>('window.benchErrors ?? []').catch(() => []);
            throw new BenchError(
              'browser',
              `${expression} never became true within ${timeoutMs / 1000} s: ${errors.join('; ') || 'no page error'}`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };
    const navigation = await cdp.send<{ errorText?: string }>('Page.navigate', { url: pageUrl }, sessionId);
    if (navigation.errorText) throw new BenchError('browser', `${pageUrl}: ${navigation.errorText}`);
    await page.waitFor("typeof window.benchUpload === 'function'", 30_000);
    return page;
  }

  /**
   * Limits the page's uplink with DevTools network conditions; `null` lifts it. For the
   * links benchmark only: it needs the Network domain, which the other figures must not pay for.
   */
  async throttleUplink(page: BenchPage, bytesPerSecond: number | null): Promise<void> {
    // Network emulation needs the Network domain, which by default puts every byte-array
    // request body into its requestWillBeSent event as an escaped string: each 5 MiB
    // UploadPart of lib-storage (the only contender sending Uint8Array bodies) became a
    // 28 MB message, serialized on its page's main thread, which then answered nothing for
    // over 30 s (its links rounds failed with "Runtime.evaluate got no answer"). 1 byte at
    // most (0 means no limit).
    await this.#cdp.send('Network.enable', { maxPostDataSize: 1 }, page.sessionId);
    await this.#cdp.send(
      'Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond ?? -1 },
      page.sessionId,
    );
  }

  /**
   * Arms the page, gives it the file from disk (the input gets a path, so nothing holds
   * the whole file in memory by construction), and waits for the upload, bounded by
   * `timeoutMs`.
   */
  async runUpload(
    page: BenchPage,
    filePath: string,
    options: PageUploadOptions,
    timeoutMs: number,
  ): Promise<PageUploadResult> {
    const upload = page.evaluate<PageUploadResult>(
      `window.benchUpload(${JSON.stringify({
        key: options.key,
        partSize: options.partSize,
        concurrency: options.concurrency,
      })})`,
      timeoutMs,
    );
    // A page that fails while arming must not leave the harness waiting for a file input.
    upload.catch(() => {});
    const input = await this.#cdp.send<EvaluateAnswer>(
      'Runtime.evaluate',
      { expression: 'window.benchFileInput ? window.benchFileInput() : document.querySelector("#file")' },
      page.sessionId,
    );
    if (!input.result.objectId) throw new BenchError('browser', 'the page has no file input');
    await this.#cdp.send(
      'DOM.setFileInputFiles',
      { files: [filePath], objectId: input.result.objectId },
      page.sessionId,
    );
    return upload;
  }

  /** Gives the page's `#file` input a file from disk (the browser reads it; the page holds a handle). */
  async setInputFile(page: BenchPage, filePath: string): Promise<void> {
    const input = await this.#cdp.send<EvaluateAnswer>(
      'Runtime.evaluate',
      { expression: 'document.querySelector("#file")' },
      page.sessionId,
    );
    if (!input.result.objectId) throw new BenchError('browser', 'the page has no #file input');
    await this.#cdp.send(
      'DOM.setFileInputFiles',
      { files: [filePath], objectId: input.result.objectId },
      page.sessionId,
    );
  }

  /** One measured upload in a fresh context; with `sampleMemory`, the peaks seen meanwhile. */
  async upload(
    options: UploadInPageOptions,
  ): Promise<{ result: PageUploadResult; memory: MemoryPeaks | null }> {
    const context = options.context ?? (await this.newContext());
    try {
      const page = await this.openPage(context, options.pageUrl);
      let memory: MemoryPeaks | null = null;
      let stop = () => {};
      let sampling: Promise<void> = Promise.resolve();
      if (options.sampleMemory) {
        const collected = options.sampleMemory === 'collected';
        await this.#cdp.send('Performance.enable', {}, page.sessionId);
        const pid = await this.rendererPidOf(page);
        if (collected) await this.collectGarbage(page);
        const baseline = await this.#sample(page.sessionId, pid);
        memory = { ...baseline, baseline, samples: 0 };
        let running = true;
        stop = () => {
          running = false;
        };
        const peaks = memory;
        sampling = (async () => {
          while (running) {
            if (collected) await this.collectGarbage(page).catch(() => {});
            const s = await this.#sample(page.sessionId, pid).catch(() => null);
            if (s) {
              peaks.jsHeapUsed = Math.max(peaks.jsHeapUsed, s.jsHeapUsed);
              peaks.rendererRss = Math.max(peaks.rendererRss, s.rendererRss);
              peaks.rendererPrivate = Math.max(peaks.rendererPrivate, s.rendererPrivate);
              peaks.chromiumRss = Math.max(peaks.chromiumRss, s.chromiumRss);
              peaks.samples++;
            }
            await new Promise((r) => setTimeout(r, 250));
          }
        })();
      }
      try {
        const result = await this.runUpload(page, options.filePath, options, options.timeoutMs);
        await options.done?.();
        return { result, memory };
      } finally {
        stop();
        await sampling;
      }
    } finally {
      if (!options.context) await context.close();
    }
  }

  /**
   * CPU time (ns) of this browser's renderer processes so far, per process: its main thread
   * (the thread whose id is the process's), all its threads (Workers included) and whether
   * it runs a dedicated Worker (a thread named DedicatedWorker), from
   * /proc/<pid>/task/<tid>/schedstat: time on a CPU, so a loaded machine does not inflate it.
   */
  async rendererCpuNs(): Promise<Map<number, { mainNs: number; totalNs: number; hasWorker: boolean }>> {
    const info = await this.#cdp.send<{ processInfo: { type: string; id: number }[] }>(
      'SystemInfo.getProcessInfo',
    );
    const out = new Map<number, { mainNs: number; totalNs: number; hasWorker: boolean }>();
    for (const p of info.processInfo) {
      if (p.type !== 'renderer') continue;
      let mainNs = 0;
      let totalNs = 0;
      let hasWorker = false;
      for (const tid of await readdir(`/proc/${p.id}/task`).catch(() => [] as string[])) {
        const comm = await readFile(`/proc/${p.id}/task/${tid}/comm`, 'utf8').catch(() => '');
        if (comm.startsWith('DedicatedWorker')) hasWorker = true;
        const stat = await readFile(`/proc/${p.id}/task/${tid}/schedstat`, 'utf8').catch(() => '');
        const ns = Number(stat.split(' ')[0] ?? 0) || 0;
        totalNs += ns;
        if (tid === String(p.id)) mainNs = ns;
      }
      out.set(p.id, { mainNs, totalNs, hasWorker });
    }
    return out;
  }

  /**
   * The id of the process that renders `page`. A browser has several renderers at once (the
   * about:blank a target opens in, a spare one kept ready, a closed context's on its way out),
   * and the page's is not always the largest: the page makes a User Timing mark while the
   * browser traces, and the trace event says which process made it.
   */
  async rendererPidOf(page: BenchPage): Promise<number> {
    const name = `s3up-bench-pid-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const events: { name: string; pid: number }[] = [];
    const off = this.#cdp.on((method, params) => {
      if (method === 'Tracing.dataCollected')
        events.push(...(params.value as { name: string; pid: number }[]));
    });
    try {
      const complete = new Promise<void>((resolve) => {
        const stop = this.#cdp.on((method) => {
          if (method === 'Tracing.tracingComplete') {
            stop();
            resolve();
          }
        });
      });
      await this.#cdp.send('Tracing.start', {
        transferMode: 'ReportEvents',
        traceConfig: { includedCategories: ['blink.user_timing'], excludedCategories: ['*'] },
      });
      await page.evaluate(`void performance.mark(${JSON.stringify(name)})`);
      await this.#cdp.send('Tracing.end');
      await complete;
      await page.evaluate(`performance.clearMarks(${JSON.stringify(name)})`);
    } finally {
      off();
    }
    const pid = events.find((e) => e.name === name)?.pid;
    if (!pid)
      throw new BenchError('browser', 'could not tell which process renders the page (no trace event)');
    return pid;
  }

  /** A full garbage collection in the page, so one left from set-up does not land in a measurement. */
  async collectGarbage(page: BenchPage): Promise<void> {
    await this.#cdp.send('HeapProfiler.collectGarbage', {}, page.sessionId);
  }

  async #sample(sessionId: string, rendererPid: number): Promise<MemorySample> {
    const { metrics } = await this.#cdp.send<{ metrics: { name: string; value: number }[] }>(
      'Performance.getMetrics',
      {},
      sessionId,
    );
    const jsHeapUsed = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const info = await this.#cdp.send<{ processInfo: { type: string; id: number }[] }>(
      'SystemInfo.getProcessInfo',
    );
    let chromiumRss = 0;
    for (const process of info.processInfo) chromiumRss += (await residentOf(process.id)).rss;
    // The page's own renderer: the browser has others (the about:blank a target opens in, a
    // spare one, a closed context's on its way out), which can be larger than the page's.
    const renderer = await residentOf(rendererPid);
    return { jsHeapUsed, rendererRss: renderer.rss, rendererPrivate: renderer.private, chromiumRss };
  }

  async close(): Promise<void> {
    await this.#cdp.close();
  }
}
