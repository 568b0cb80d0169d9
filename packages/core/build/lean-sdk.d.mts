import type { Plugin } from 'esbuild';

/** The esbuild plugin that trims @aws-sdk/client-s3 to a browser upload (see lean-sdk.mjs). */
export function leanSdk(): Plugin;
