// `pnpm demo`: boots (or reuses) the local S3+STS backend, or uses real AWS when S3UP_BUCKET
// is set; starts the demo server (sign-in, token server, audit, Vite app); prints its URL;
// and on Ctrl-C stops exactly what it started.
import { isLocalS3Up, type LocalS3, readLocalS3, startLocalS3, stopLocalS3 } from '@s3up/testkit';
import {
  authSecretFromEnv,
  type BackendConfig,
  backendFromEnv,
  localBackend,
} from '../src/server/backend-config.js';
import { isDemoError } from '../src/server/demo-error.js';
import { type DemoServer, startDemoServer } from '../src/server/demo-server.js';
import { demoSettingsFromEnv } from '../src/server/demo-settings.js';
import { demoTokenService } from '../src/server/token-service.js';

const say = (line: string) => console.log(`[demo] ${line}`);

// On Ctrl-C, `pnpm demo` exits at once and closes our output: writing to it must not kill
// the cleanup (EPIPE), or the local backend's daemons would outlive the demo.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

async function main(): Promise<void> {
  const env = process.env;
  const settings = demoSettingsFromEnv(env);
  let backend: BackendConfig | null = backendFromEnv(env);
  let owned: LocalS3 | null = null;
  let demo: DemoServer | null = null;
  let stopping = false;

  let stoppingSince = 0;
  const stop = async (signal: string) => {
    if (stopping) {
      // Ctrl-C reaches every process of the group and tsx relays it too: the same keypress
      // can arrive twice. Only a deliberate second Ctrl-C skips the cleanup.
      if (Date.now() - stoppingSince < 1500) return;
      say('second signal: exiting without cleaning up');
      process.exit(130);
    }
    stopping = true;
    stoppingSince = Date.now();
    say(`${signal}: stopping`);
    await demo?.close().catch((error: Error) => say(`demo server: ${error.message}`));
    if (owned) {
      say(`stopping the local S3 backend (${owned.dir})`);
      await stopLocalS3(owned).catch((error: Error) => say(`local S3: ${error.message}`));
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    if (!backend) {
      const reuseDir = env.S3UP_LOCAL_S3_DIR;
      const existing = reuseDir ? await readLocalS3(reuseDir) : null;
      if (existing && (await isLocalS3Up(existing))) {
        say(`reusing the local S3 backend at ${existing.endpoint} (${reuseDir}); it stays up after the demo`);
        backend = localBackend(existing);
      } else {
        if (reuseDir) say(`S3UP_LOCAL_S3_DIR=${reuseDir} holds no running backend: booting a new one`);
        say('booting the local S3 + STS backend (Ceph RGW; installs Debian packages when missing)…');
        owned = await startLocalS3({ log: (line) => say(`  ${line}`) });
        backend = localBackend(owned);
      }
    } else {
      say(`using AWS: bucket ${backend.bucket} in ${backend.region}, role ${backend.roleArn}`);
    }
    const authSecret = authSecretFromEnv(env, backend.kind);
    demo = await startDemoServer({
      backend,
      tokenService: demoTokenService(settings.tokenService),
      ...(authSecret ? { authSecret } : {}),
      port: settings.port,
      host: settings.host,
      ...(settings.auditToStdout ? { auditTee: process.stdout } : {}),
    });
  } catch (error) {
    console.error(`\n[demo] could not start: ${isDemoError(error) ? error.message : (error as Error).stack}`);
    if (owned) await stopLocalS3(owned).catch(() => {});
    process.exit(1);
  }

  console.log(`
  s3up photo-sharing demo

    ➜  ${demo.url}

  Sign in as Alice in one window and Bob in another (or a private window).
  Backend: ${backend.kind === 'local' ? `local Ceph RGW at ${backend.endpoint}` : `AWS ${backend.region}`}, bucket ${backend.bucket}.
  Ctrl-C stops ${owned ? 'the demo and the local backend it started' : 'the demo'}.
`);
}

main().catch((error: unknown) => {
  console.error(`\n[demo] could not start: ${isDemoError(error) ? error.message : (error as Error).stack}`);
  process.exit(1);
});
