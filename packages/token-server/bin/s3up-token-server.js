#!/usr/bin/env node
import { main } from '../dist/bin.js';

main().catch((error) => {
  process.stderr.write(`s3up-token-server: ${error?.message ?? String(error)}\n`);
  process.exit(1);
});
