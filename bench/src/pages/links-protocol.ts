/**
 * The links benchmark's additions to the page protocol (page-protocol.ts): after
 * `benchUpload` has started, the harness pauses at 50% and resumes, and reads how long the
 * page took to show progress again.
 */
declare global {
  interface Window {
    /** Pauses the running upload; resolves when the contender says it is paused (or done). */
    benchPause?: () => Promise<void>;
    /** Resumes it (for lib-storage, which cannot pause: starts it again). */
    benchResume?: () => void;
    /** ms from benchResume() to the first progress the contender reported after it; null before. */
    benchResumeLatency?: () => number | null;
  }
}

/** Measures the time from a resume to the first progress event after it. */
export function resumeClock(): { resumed(): void; progressed(): void } {
  let resumedAt: number | undefined;
  let latency: number | null = null;
  window.benchResumeLatency = () => latency;
  return {
    resumed() {
      resumedAt = performance.now();
      latency = null;
    },
    progressed() {
      if (resumedAt !== undefined && latency === null) latency = performance.now() - resumedAt;
    },
  };
}
