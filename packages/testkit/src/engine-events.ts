// Waiting on an upload engine's events in tests, without a dependency on @s3up/core: the
// engine is described by the little of it used here, so core's own tests and the
// adversarial suite share one `settled`.

/** The events after which a task is final. */
const FINAL_EVENTS = ['upload-succeeded', 'upload-failed', 'upload-cancelled'] as const;
const FINAL_STATES = new Set(['succeeded', 'failed', 'cancelled']);

/** What `settled` needs of an engine (`Uploader` of @s3up/core). */
export interface SettlingEngine<T extends { id: string; state: string }> {
  get(id: string): T | undefined;
  addEventListener(type: (typeof FINAL_EVENTS)[number], listener: () => void): void;
  removeEventListener(type: (typeof FINAL_EVENTS)[number], listener: () => void): void;
}

/** Resolves with the task when it is final (succeeded, failed or cancelled); stops listening then. */
export function settled<T extends { id: string; state: string }>(
  engine: SettlingEngine<T>,
  task: T,
): Promise<T> {
  const final = () => FINAL_STATES.has(engine.get(task.id)?.state ?? task.state);
  return new Promise((resolve) => {
    if (final()) return resolve(engine.get(task.id) ?? task);
    const check = () => {
      if (!final()) return;
      for (const type of FINAL_EVENTS) engine.removeEventListener(type, check);
      resolve(engine.get(task.id) ?? task);
    };
    for (const type of FINAL_EVENTS) engine.addEventListener(type, check);
  });
}
