import { pathToFileURL } from 'node:url';
import { createTokenServer, type RunningTokenServer } from './adapters/node-http.js';
import { configFromEnv } from './env-config.js';
import { isTokenServerError } from './errors.js';

/**
 * `s3up-token-server`: configuration from the environment (see the README), validated
 * before anything listens; SIGINT/SIGTERM close the server gracefully. Resolves to the
 * running server, or to `undefined` after printing what is wrong with the configuration.
 */
export async function main(
  env: Record<string, string | undefined> = process.env,
  stderr: { write(text: string): unknown } = process.stderr,
): Promise<RunningTokenServer | undefined> {
  let config: ReturnType<typeof configFromEnv>;
  try {
    config = configFromEnv(env);
  } catch (error) {
    stderr.write(`s3up-token-server: ${isTokenServerError(error) ? error.message : String(error)}\n`);
    return undefined;
  }
  const running = await createTokenServer(config.options).listen(config.port, config.host);
  const audit = config.options.audit;
  if (audit && 'event' in audit) {
    audit.event('info', 'server.listening', {
      url: running.url,
      bucket: config.options.bucket,
      region: config.options.region,
    });
  }
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}

/** What the bin runs: exit code 1 on a configuration error, a readable line on a crash. */
export function runBin(): void {
  main().then(
    (running) => {
      if (!running) process.exitCode = 1;
    },
    (error: unknown) => {
      process.stderr.write(
        `s3up-token-server: ${isTokenServerError(error) ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

// Run when executed (`tsx src/bin.ts` in the workspace); the published bin calls runBin().
if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) runBin();
