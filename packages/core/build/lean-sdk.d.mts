import type { Plugin } from 'esbuild';

/** The esbuild plugin that trims @aws-sdk/client-s3 to a browser upload (see lean-sdk.mjs). */
export function leanSdk(options?: {
  /** Leave the middleware it stubs as the SDK wrote it (the unit test compares both builds' requests). */
  keepMiddleware?: boolean;
}): Plugin;

/** client-s3's schema module with each computed key written as the string constant it names. */
export function withLiteralKeys(source: string): string;

/** The SDK's partition table reduced to the `aws` partition without its region list. */
export function awsPartitionOnly(source: string): string;
