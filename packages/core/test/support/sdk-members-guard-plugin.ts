import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const sdkModule = fileURLToPath(new URL('../../src/s3-sdk.ts', import.meta.url));
const guardedModule = fileURLToPath(new URL('./s3-sdk-members-guard.ts', import.meta.url));

/**
 * For the test projects: wherever core's source imports its SDK module (src/s3-sdk.ts), it
 * gets s3-sdk-members-guard.ts instead, whose S3Client refuses what the browser build's SDK
 * would (see there). Only the engine's clients: tests' own clients import @aws-sdk/client-s3.
 */
export function sdkMembersGuard(): Plugin {
  return {
    name: 's3up:sdk-members-guard',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !/(^|\/)s3-sdk(\.js|\.ts)?$/.test(source)) return null;
      if (importer.split('?')[0] === guardedModule) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id.split('?')[0] === sdkModule ? guardedModule : null;
    },
  };
}
