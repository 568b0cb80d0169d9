import { runCli } from './program.js';

// The SDK warns once per process that its releases after January 2027 need Node 22. s3up
// supports Node 20.19+ (package.json engines), so on it that warning is noise for an
// operator. Only that one warning is turned off, with the SDK's own switch (read when the
// first client is built, after these imports); an operator's explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The binary: process streams and environment; everything else lives in runCli.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // The first Ctrl-C pauses (uploads keep their parts for the next run); a second one,
  // with the handler gone, ends the process at once, as a terminal user expects.
  onInterrupt: (handler) => {
    process.once('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
});
process.exitCode = code;
