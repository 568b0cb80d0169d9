import type { Plugin } from 'esbuild';

/** The esbuild plugin that trims @aws-sdk/client-s3 to a browser upload (see lean-sdk.mjs). */
export function leanSdk(options?: {
  /**
   * Leave the SDK's code where the plugin would replace what it does or load it later (the
   * middleware stubs, the error classes, the lazy SHA-256 fallback and fetch handler): the
   * unit test compares both builds' requests, answers and errors.
   */
  asWritten?: boolean;
}): Plugin;

/** client-s3's schema module with each computed key written as the string constant it names. */
export function withLiteralKeys(source: string): string;

/** client-s3's schema module without the registration of S3's error classes. */
export function withoutErrorClasses(source: string): string;

/** The SDK's partition table reduced to the `aws` partition without its region list. */
export function awsPartitionOnly(source: string): string;

/** The SDK's checksum barrel without its re-export of Sha256Js (loaded lazily instead). */
export function withoutSha256JsExport(source: string): string;

/** Sha256Js with its one import written into it, so its lazy chunk shares no module. */
export function selfContainedSha256Js(source: string): string;

/** FetchHttpHandler's module taking its two SDK helpers from the stub that loads it. */
export function lazyFetchHttpHandler(source: string): string;

/** Shape name -> the members of it the engine sends or reads, which the browser build keeps. */
export const MEMBERS_USED: Readonly<Record<string, readonly string[]>>;

/** client-s3's schema module with the shapes of `members` reduced to those members. */
export function withMembersUsed(source: string, members?: Record<string, string[]>): string;
