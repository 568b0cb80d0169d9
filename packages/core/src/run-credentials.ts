import { withRetries } from './backoff.js';
import type { Credentials } from './credentials-source.js';
import { isUploadError } from './errors.js';
import { classify } from './failure.js';
import type { TaskModel } from './task-model.js';
import type { UploadContext } from './upload-context.js';

/**
 * The credentials one file's runs start with: the cached ones, retried like a request
 * (passing troubles: 5xx, 429, unreachable) with backoff that a pause ends at once; new
 * ones from the endpoint after a run S3 refused with 403.
 */
export class RunCredentials {
  readonly #context: UploadContext;
  readonly #task: TaskModel;
  /**
   * The last run failed on a 403 from S3. The session may be dead on the server (revoked, or
   * the backend restarted and lost its roles) while it looks valid here: the next run (retry)
   * asks the endpoint for new credentials instead of reusing the cached ones.
   */
  #sessionRefused = false;

  constructor(context: UploadContext, task: TaskModel) {
    this.#context = context;
    this.#task = task;
  }

  /** Runs one run of the upload, telling it whether to ask for new credentials. */
  async run(run: (fresh: boolean) => Promise<void>): Promise<void> {
    const fresh = this.#sessionRefused;
    this.#sessionRefused = false;
    try {
      await run(fresh);
    } catch (error) {
      if (isUploadError(error) && error.code === 'access-denied' && error.status === 403)
        this.#sessionRefused = true;
      throw error;
    }
  }

  /** Credentials for the start of a run (`fresh`: new ones, not the cache). */
  async get(signal: AbortSignal, fresh = false): Promise<Credentials> {
    const { source, env } = this.#context;
    const failure = (error: unknown) => classify(error, 'Getting credentials', this.#task.name);
    try {
      return await withRetries(
        env,
        signal,
        () => (fresh ? source.refresh({ refused: true }) : source.get()),
        (error) => failure(error).action === 'retry',
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw failure(error).error;
    }
  }
}
