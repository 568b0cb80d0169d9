// What a server renderer bundles of the element. A bundler follows every import(), so a
// server build (Next.js's SSR layer of a client component, webpack with the "node"
// condition) used to compile the file list, the engine and the whole AWS SDK for a render
// that never uploads. `#code-chunks` (package.json `imports`) gives the "node" condition a
// module without those imports; the browser keeps them.
import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { isS3UploadElementError } from '../../src/errors.js';

const root = new URL('../..', import.meta.url);
const repository = new URL('../../../..', import.meta.url).pathname;

async function bundledInputs(platform: 'node' | 'browser'): Promise<string[]> {
  const result = await build({
    entryPoints: [new URL('src/define.ts', root).pathname],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform,
    // esbuild adds "node" or "browser" for the platform, as webpack does for its target.
    conditions: ['@s3up/source'],
    absWorkingDir: repository,
    outdir: '/nonexistent',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  return Object.keys((result.metafile as Metafile).inputs);
}

const engineCode = [
  /element\/src\/engine-module\.ts$/,
  /element\/src\/element-engine\.ts$/,
  /core\/src\/s3-sdk\.ts$/,
];

describe('the server build of <s3-upload>', () => {
  it('a "node" bundle has the element but not the engine or the AWS SDK; a browser bundle has both', async () => {
    const [server, browser] = await Promise.all([bundledInputs('node'), bundledInputs('browser')]);
    expect(server).toContainEqual(expect.stringMatching(/element\/src\/s3-upload\.ts$/));
    expect(server).toContainEqual(expect.stringMatching(/element\/src\/code-chunks\.server\.ts$/));
    for (const pattern of engineCode) expect(server).not.toContainEqual(expect.stringMatching(pattern));
    // Of @s3up/core only the progress arithmetic the drop zone's summary uses; no SDK at all.
    expect(server.filter((input) => input.includes('core/src/'))).toEqual([
      'packages/core/src/overall-progress.ts',
    ]);
    expect(server.filter((input) => input.includes('@aws-sdk') || input.includes('@smithy'))).toEqual([]);

    expect(browser).toContainEqual(expect.stringMatching(/element\/src\/code-chunks\.ts$/));
    for (const pattern of engineCode) expect(browser).toContainEqual(expect.stringMatching(pattern));
    expect(browser.some((input) => input.includes('@aws-sdk/client-s3'))).toBe(true);
  }, 60_000);

  it('the published files map the same way as the sources: "node" to the server module, everything else to the real one', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      imports: Record<string, Record<string, string | Record<string, string>>>;
    };
    const { '@s3up/source': source, ...published } = pkg.imports['#code-chunks'] ?? {};
    const toDist = (file: string) => file.replace('./src/', './dist/').replace(/\.ts$/, '.js');
    expect(published).toEqual({
      types: './dist/code-chunks.d.ts',
      ...Object.fromEntries(Object.entries(source as Record<string, string>).map(([c, f]) => [c, toDist(f)])),
    });
    expect(published.node).toBe('./dist/code-chunks.server.js');
    expect(published.browser).toBe('./dist/code-chunks.js');
    expect(published.default).toBe('./dist/code-chunks.js');
  });

  it('in Node the loaders refuse with an error that says uploads run in a browser', async () => {
    const { loadEngine } = await import('../../src/engine-loader.js');
    const { loadListModule } = await import('../../src/list-loader.js');
    for (const load of [loadEngine, loadListModule]) {
      const error = await load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isS3UploadElementError(error) && error.code).toBe('engine');
      expect((error as Error).message).toMatch(/only in a browser.*"node" export condition/);
    }
  });
});
