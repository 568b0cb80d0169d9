import { isLocalS3Up, localS3Env, readLocalS3, startLocalS3, stopLocalS3 } from './local-s3.js';
import { localS3OperatorEnv } from './operator-env.js';

// Node 20 is this project's floor: the SDK's reminder that its 2027 releases need Node 22
// is noise in `pnpm local-s3 up` (read when the first client is built, after these imports).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: pnpm local-s3 <up|down|env|status> [--dir DIR] [--port PORT] [--operator]

  up      boot the local S3 + STS + IAM backend (Ceph RGW) and provision it
  down    stop it and remove its directory
  env     print its settings as shell exports: eval "$(pnpm -s local-s3 env)"
          --operator: what an operator runs s3up setup and doctor with (a profile for
          the bucket owner, one for the IAM administrator, the deployment's settings)
  status  say whether it runs (exit 1 when it does not)

  --dir   working directory (default /tmp/s3up-local, or $S3UP_LOCAL_S3_DIR)
  --port  port for S3/STS/IAM (default 7480 when free)`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const dir = option(rest, '--dir') ?? process.env.S3UP_LOCAL_S3_DIR ?? '/tmp/s3up-local';
  switch (command) {
    case 'up': {
      const existing = await readLocalS3(dir);
      if (existing && (await isLocalS3Up(existing))) {
        console.log(`already running at ${existing.endpoint} (${dir})`);
        return 0;
      }
      const portArg = option(rest, '--port');
      const port = portArg ? Number(portArg) : undefined;
      if (portArg && !(Number.isInteger(port) && port! > 0 && port! < 65536)) {
        console.error(`--port must be a TCP port number, got "${portArg}"`);
        return 2;
      }
      const local = await startLocalS3({ dir, ...(port ? { port } : {}), log: (l) => console.log(l) });
      console.log(`\nlocal S3 up: ${local.endpoint}  bucket ${local.bucket}  role ${local.roleArn}`);
      console.log(`settings: eval "$(pnpm -s local-s3 env)"; stop: pnpm local-s3 down`);
      return 0;
    }
    case 'down': {
      const local = await readLocalS3(dir);
      await stopLocalS3({ dir });
      console.log(local ? `stopped ${local.endpoint} and removed ${dir}` : `nothing was running in ${dir}`);
      return 0;
    }
    case 'env': {
      const local = await readLocalS3(dir);
      if (!local) {
        console.error(`no local S3 in ${dir}: run pnpm local-s3 up`);
        return 1;
      }
      if (rest.includes('--operator')) {
        // The static keys would win over the profiles in the SDK's chain: drop them.
        console.log('unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
        for (const [k, v] of Object.entries(await localS3OperatorEnv(local)))
          console.log(`export ${k}='${v}'`);
        return 0;
      }
      for (const [k, v] of Object.entries({ ...localS3Env(local), S3UP_LOCAL_S3_DIR: dir }))
        console.log(`export ${k}=${v}`);
      return 0;
    }
    case 'status': {
      const local = await readLocalS3(dir);
      const up = local ? await isLocalS3Up(local) : false;
      console.log(
        local ? `${up ? 'running' : 'not answering'}: ${local.endpoint} (${dir})` : `not running (${dir})`,
      );
      return up ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
