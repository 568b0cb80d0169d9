import { readFile } from 'node:fs/promises';
import { chromiumArgs, chromiumPath } from '@s3up/testkit';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { BenchError } from './bench-error.js';
import type { PageUploadOptions, PageUploadResult } from './pages/page-protocol.js';

/** Peak memory seen while a page uploaded, in bytes. */
export interface MemoryPeaks {
  /** `Performance.getMetrics` JSHeapUsedSize of the page. */
  jsHeapUsed: number;
  /** Resident memory of the page's renderer process(es) (/proc/<pid>/status VmRSS). */
  rendererRss: number;
  /** Resident memory of every Chromium process: browser, network service, renderers. */
  chromiumRss: number;
  /** The same three right after the page loaded, before the upload started. */
  baseline: { jsHeapUsed: number; rendererRss: number; chromiumRss: number };
  samples: number;
}

export interface UploadInPageOptions extends PageUploadOptions {
  pageUrl: string;
  filePath: string;
  /** Give up after this long (every loop is bounded). */
  timeoutMs: number;
  /** Sample memory every 250 ms while uploading. */
  sampleMemory?: boolean;
  /** Run in this context (kept open) instead of a fresh one. */
  context?: BrowserContext;
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

/**
 * Debian's Chromium, headless, driven by playwright-core: one browser for a whole
 * benchmark, a fresh context (no cache, no IndexedDB) for every round.
 *
 * @example
 * const browser = await BrowserSession.launch();
 * const { result } = await browser.upload({ pageUrl, filePath, key, partSize, concurrency, timeoutMs: 60_000 });
 */
export class BrowserSession {
  readonly #browser: Browser;
  #browserCdp: CDPSession | null = null;

  private constructor(browser: Browser) {
    this.#browser = browser;
  }

  static async launch(): Promise<BrowserSession> {
    try {
      return new BrowserSession(
        await chromium.launch({
          executablePath: chromiumPath(),
          args: chromiumArgs,
          headless: true,
          timeout: 60_000,
        }),
      );
    } catch (error) {
      throw new BenchError('browser', `Chromium did not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  get version(): string {
    return this.#browser.version();
  }

  newContext(): Promise<BrowserContext> {
    return this.#browser.newContext();
  }

  /** Loads the page and waits for its contender code. */
  async openPage(context: BrowserContext, pageUrl: string): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pageUrl, { timeout: 30_000 });
    try {
      await page.waitForFunction(() => typeof window.benchUpload === 'function', null, { timeout: 30_000 });
    } catch (error) {
      throw new BenchError(
        'browser',
        `${pageUrl} never became ready: ${errors.join('; ') || 'no page error'}`,
        {
          cause: error,
        },
      );
    }
    return page;
  }

  /**
   * Arms the page, gives it the file from disk (the input gets a path, so nothing holds
   * the whole file in memory by construction), and waits for the upload, bounded by
   * `timeoutMs`.
   */
  async runUpload(
    page: Page,
    filePath: string,
    options: PageUploadOptions,
    timeoutMs: number,
  ): Promise<PageUploadResult> {
    const upload = page.evaluate((o) => window.benchUpload!(o), {
      key: options.key,
      partSize: options.partSize,
      concurrency: options.concurrency,
    });
    // A page that fails while arming must not leave the harness waiting for a file input.
    upload.catch(() => {});
    const selector = await page.evaluate(() => window.benchFileInput ?? '#file');
    await page.setInputFiles(selector, filePath, { timeout: 30_000 });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new BenchError('timeout', `upload did not finish within ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([upload, timeout]);
    } finally {
      clearTimeout(timer);
    }
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
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const baseline = await this.#sample(cdp);
        memory = { ...baseline, baseline, samples: 0 };
        let running = true;
        stop = () => {
          running = false;
        };
        const peaks = memory;
        sampling = (async () => {
          while (running) {
            const s = await this.#sample(cdp).catch(() => null);
            if (s) {
              peaks.jsHeapUsed = Math.max(peaks.jsHeapUsed, s.jsHeapUsed);
              peaks.rendererRss = Math.max(peaks.rendererRss, s.rendererRss);
              peaks.chromiumRss = Math.max(peaks.chromiumRss, s.chromiumRss);
              peaks.samples++;
            }
            await new Promise((r) => setTimeout(r, 250));
          }
        })();
      }
      try {
        const result = await this.runUpload(page, options.filePath, options, options.timeoutMs);
        return { result, memory };
      } finally {
        stop();
        await sampling;
      }
    } finally {
      if (!options.context) await context.close();
    }
  }

  async #sample(cdp: CDPSession): Promise<{ jsHeapUsed: number; rendererRss: number; chromiumRss: number }> {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const jsHeapUsed = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    this.#browserCdp ??= await this.#browser.newBrowserCDPSession();
    const info = (await this.#browserCdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    let rendererRss = 0;
    let chromiumRss = 0;
    for (const process of info.processInfo) {
      const rss = await rssOf(process.id);
      chromiumRss += rss;
      // One renderer per page here; take the largest in case a spare renderer is around.
      if (process.type === 'renderer') rendererRss = Math.max(rendererRss, rss);
    }
    return { jsHeapUsed, rendererRss, chromiumRss };
  }

  async close(): Promise<void> {
    await this.#browser.close();
  }
}
