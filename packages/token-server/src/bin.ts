import { pathToFileURL } from 'node:url';
import { createTokenServer, type RunningTokenServer } from './adapters/node-http.js';
import { configFromEnv } from './env-config.js';
import { isTokenServerError, TokenServerError } from './errors.js';

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
  let options = config.options;
  if (env.S3UP_REDIS_URL) {
    // Several instances: limits, cache, holds and purges in Redis (see "Running several
    // instances" in the README). Loaded only when asked: ioredis is an optional peer.
    const failMode = env.S3UP_REDIS_RATE_LIMIT_FAIL ?? 'open';
    try {
      if (failMode !== 'open' && failMode !== 'closed') {
        throw new TokenServerError(
          'invalid_config',
          `S3UP_REDIS_RATE_LIMIT_FAIL must be "open" or "closed", got "${failMode}".`,
        );
      }
      const { createRedisStores } = await import('./redis/index.js');
      const stores = createRedisStores({
        redis: env.S3UP_REDIS_URL,
        ...(env.S3UP_REDIS_CACHE_KEY ? { encryptionKey: env.S3UP_REDIS_CACHE_KEY } : {}),
        rateLimitFailMode: failMode,
      });
      // Redis down at start: serve anyway (per instance, logged); it is picked up when back.
      await stores.ready().catch(() => {});
      options = {
        ...options,
        ...stores.options,
        ...(options.rateLimit === false
          ? { rateLimit: false }
          : { rateLimit: { ...options.rateLimit, ...stores.options.rateLimit } }),
        cache: { ...options.cache, ...stores.options.cache },
      };
    } catch (error) {
      stderr.write(`s3up-token-server: ${isTokenServerError(error) ? error.message : String(error)}\n`);
      return undefined;
    }
  }
  const running = await createTokenServer(options).listen(config.port, config.host);
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
