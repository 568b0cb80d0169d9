import { pathToFileURL } from 'node:url';
import { configFromEnv } from './env-config.js';
import { isTokenServerError } from './errors.js';
import { createTokenServer } from './token-server.js';

/**
 * `s3up-token-server`: configuration from the environment (see the README), validated
 * before anything listens; SIGINT/SIGTERM close the server gracefully.
 */
export async function main(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: ReturnType<typeof configFromEnv>;
  try {
    config = configFromEnv(env);
  } catch (error) {
    process.stderr.write(`s3up-token-server: ${isTokenServerError(error) ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
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
}

// Run when executed (`tsx src/bin.ts` in the workspace); the published bin imports main().
const invokedDirectly =
  process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    process.stderr.write(`s3up-token-server: ${isTokenServerError(error) ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
