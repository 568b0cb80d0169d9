import type { NextConfig } from 'next';

const config: NextConfig = {
  // Inside this repository the @s3up packages are TypeScript sources (the `@s3up/source`
  // export condition); an app that installs them from npm leaves these two settings out.
  transpilePackages: ['@s3up/react', '@s3up/element', '@s3up/core', '@s3up/contract', '@s3up/token-server'],
  // The AWS SDK clients of the token route, loaded by Node as installed instead of compiled
  // into the route's bundle (Next bundles a route's dependencies, apart from a built-in list
  // that has client-s3 but not client-sts or the presigner). Next externalizes only packages
  // the app itself resolves, so with pnpm they are this app's dependencies too.
  serverExternalPackages: [
    '@aws-sdk/client-s3',
    '@aws-sdk/client-sts',
    '@aws-sdk/s3-presigned-post',
    '@aws-sdk/s3-request-presigner',
  ],
  webpack: (webpack) => {
    webpack.resolve.conditionNames = ['@s3up/source', ...(webpack.resolve.conditionNames ?? ['...'])];
    webpack.resolve.extensionAlias = { '.js': ['.ts', '.js'] };
    // This repository's e2e test builds the app once, in a clean tree, and never again: it
    // sets S3UP_NEXT_BUILD_CACHE=off so the build does not write webpack's persistent cache
    // (about 9 of the build's 55 CPU seconds, serializing 3,300 modules nobody reads back).
    if (process.env.S3UP_NEXT_BUILD_CACHE === 'off') webpack.cache = false;
    return webpack;
  },
  // `pnpm typecheck` runs tsc --noEmit on the app; the build does not check it twice.
  typescript: { ignoreBuildErrors: true },
};

export default config;
