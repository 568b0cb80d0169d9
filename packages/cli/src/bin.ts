import { runCli } from './program.js';

// The binary: process streams and environment; everything else lives in runCli.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
