#!/usr/bin/env node
// Published binary: the compiled CLI. In the workspace run `tsx --conditions=@s3up/source packages/cli/src/bin.ts`.
import '../dist/bin.js';
