import { availableParallelism } from 'node:os';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { extraPagesCommands } from './packages/core/test/support/extra-pages-commands.ts';
import { sdkMembersGuard } from './packages/core/test/support/sdk-members-guard-plugin.ts';
import { engineFetchCommands } from './packages/element/test/support/engine-fetch-commands.ts';
import { spoiledAnswersCommands } from './packages/element/test/support/spoiled-answers-commands.ts';
import { chromiumArgs, chromiumPath } from './packages/testkit/src/chromium.ts';
import { wireMeterCommands } from './packages/testkit/src/wire-meter-commands.ts';
import { networkDropCommands } from './tests/adversarial/support/network-drop-commands.ts';

// Node 20 is this project's floor; the SDK's reminder that later SDKs want Node 22 would
// otherwise repeat in every test worker's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Inside the workspace, packages resolve to their TypeScript sources (the `@s3up/source`
// export condition); published packages resolve to dist/.
const resolveSource = {
  // The engine's S3 clients refuse what the browser build's SDK refuses (core's
  // test/support/s3-sdk-members-guard.ts): every engine test checks the member table that
  // dist/s3-sdk.browser.js is built with.
  plugins: [sdkMembersGuard()],
  resolve: { conditions: ['@s3up/source', ...defaultClientConditions] },
  // Not Vite's server default ('module' first): Node must load the AWS SDK's CommonJS/ESM builds, not dist-es.
  ssr: { resolve: { conditions: ['@s3up/source', 'node', 'development|production'] } },
  // Global setups run in vitest's own environment: the token server's loads its sources,
  // which import @s3up/contract.
  environments: {
    __vitest__: { resolve: { conditions: ['@s3up/source', 'node', 'development|production'] } },
  },
};
// One local S3+STS cluster per run, then a real token server on it (`inject('tokenServer')`).
const globalSetup = [
  'packages/testkit/src/global-setup.ts',
  'packages/token-server/test/support/token-server.global-setup.ts',
];

// Test files at once. vitest's default is one less than the cores: on a 2-core CI machine
// one file at a time, for Node files and again for Chromium's. These files mostly wait (on
// the local backend, on Chromium, on child processes, on throttled links), so more of them
// share the cores: two more than the cores, in each pool (vitest wants one number for the
// projects it runs together). Clean-clone runs of 7 Dec: one more than the cores, vitest
// 245 s (00:33); two more, 246 s (01:15): the same, so the wall time is not in the slots
// (a run at 00:40 that read 215 s had skipped the typecheck beside the tests after lint
// failed). Every file brings its own users, prefixes, servers on free ports and, where it
// restarts one, its own cluster, so none depends on running alone.
const workers = Math.max(4, availableParallelism() + 2);

const unitFiles = [
  'packages/*/test/unit/**/*.test.ts',
  'apps/*/test/unit/**/*.test.ts',
  'bench/test/unit/**/*.test.ts',
];
// Files of the projects with `isolate: false` run one after another in a worker; a file that
// leaves a global changed (timers, fetch, Math.random, process.env...) fails there, not in
// the file after it.
const sharedWorkerGuard = ['packages/testkit/src/shared-worker-guard.ts'];
const freshProcessUnitFiles = [
  'packages/element/test/unit/ssr-import.test.ts',
  'packages/react/test/unit/ssr.test.ts',
];

// The files that take longest, longest first (seconds in the clean-clone CI run of 6 Dec,
// 22:48, before this list): most of that time they wait (throttled links, rounds of two tabs,
// next build, RGW restarts), so they should start first and overlap everything else. vitest
// orders a clean clone's files by size, which started two-tabs (72 s) 90 s into the browser
// project and framework-types last of all. A stale entry only changes an order.
const longestFirst = [
  'examples/nextjs/test/e2e/nextjs.test.ts', // 177
  'apps/demo/test/e2e/demo.test.ts', // 98
  'packages/core/test/browser/two-tabs.test.ts', // 72
  'packages/core/test/browser/links.test.ts', // 67
  'packages/cli/test/integration/doctor-misconfigurations.test.ts', // 48
  'tests/adversarial/browser/network-drop.test.ts', // 41
  'packages/element/test/browser/real-links.test.ts', // 34
  'packages/element/test/browser/link-states-shots.test.ts', // 34
  'tests/adversarial/integration/backend-restart.test.ts', // 30
  'tests/adversarial/integration/credential-expiry.test.ts', // 18
  'packages/core/test/browser/images.test.ts', // 17
  'packages/core/test/browser/pause-hand-over.test.ts', // 17
  'packages/element/test/unit/framework-types.test.ts', // 17
  'packages/core/test/browser/uploader.test.ts', // 16
];

/**
 * The `longestFirst` files first, whatever their project, then vitest's order (one project
 * after another). Sorted project by project, the Next e2e (the longest chain: 165 s) started
 * 35 s into the clean-clone run of 7 Dec 01:15 and the demo's 70 s in, behind the
 * integration project's first files.
 */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const group = new Map<string, number>();
    const rank = (spec: TestSpecification) => {
      const at = longestFirst.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return at === -1 ? longestFirst.length : at;
    };
    return sorted
      .map((spec, index) => {
        if (!group.has(spec.project.name)) group.set(spec.project.name, index);
        return { spec, key: [rank(spec), group.get(spec.project.name)!, index] as const };
      })
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2])
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    maxWorkers: workers,
    sequence: { sequencer: LongestFirstSequencer },
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-output/junit.xml' },
    projects: [
      {
        ...resolveSource,
        test: {
          name: 'unit',
          setupFiles: sharedWorkerGuard,
          maxWorkers: workers,
          include: unitFiles,
          exclude: [...configDefaults.exclude, ...freshProcessUnitFiles],
          environment: 'node',
          // A worker runs one unit file after another in one module graph, instead of a new
          // process importing the SDK, vitest and the sources again for each of 70 files:
          // half the project's CPU (68 -> 34 CPU s measured, same 658 tests passing). These
          // files change no global they do not restore (fake timers, stubbed globals and msw
          // servers are undone in their after hooks; sharedWorkerGuard fails a file that
          // does not) and mock no module.
          isolate: false,
          // Some unit tests build (lean-sdk: two esbuild bundles of the SDK, 1.2 s alone) or
          // run checkers; in `pnpm test` they share 2 cores with everything else, and under
          // load the first lean-sdk test passed vitest's default 5 s. A test still fails as
          // soon as its assertion does.
          testTimeout: 20_000,
        },
      },
      {
        ...resolveSource,
        test: {
          // The unit files that check what importing does to a fresh Node process (no
          // window, document or custom-element registry before or after): in a shared worker
          // another file may have loaded Lit first, whose Node build installs its stand-in
          // registry on globalThis. Each gets its own process, as every unit file did before.
          name: 'unit-isolated',
          maxWorkers: workers,
          include: freshProcessUnitFiles,
          environment: 'node',
        },
      },
      {
        ...resolveSource,
        test: {
          name: 'integration',
          setupFiles: sharedWorkerGuard,
          maxWorkers: workers,
          include: [
            'packages/*/test/integration/**/*.test.ts',
            'apps/*/test/integration/**/*.test.ts',
            'tests/*/integration/**/*.test.ts',
            'examples/*/test/integration/**/*.test.ts',
            'bench/test/integration/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // As in unit: a worker runs one file after another in one process and module graph
          // instead of a process per file importing the SDK, the token server and testkit
          // again (190 s of cumulated import time in an integration run). The project 112 ->
          // 68 CPU s, measured back to back here (load 16-17), the same 353 tests passing.
          // These files read the environment and never change it, mock no module and stub no
          // global (sharedWorkerGuard checks both), and each brings its own users, prefixes,
          // servers and proxies (see above).
          isolate: false,
        },
      },
      {
        ...resolveSource,
        test: {
          name: 'browser',
          maxWorkers: workers,
          include: ['packages/*/test/browser/**/*.test.ts', 'tests/*/browser/**/*.test.ts'],
          globalSetup,
          testTimeout: 60_000,
          // The element's file list and engine arrive as lazily loaded chunks: on a busy CI
          // machine one took more than expect.poll's default 1 s (properties.test: a row
          // polled right after addFiles). A poll still returns as soon as it holds.
          expect: { poll: { timeout: 5_000 } },
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
            // Adversarial case 16: a real proxy and Chromium's offline switch, driven from the page.
            // Uploads on real links: a proxy that counts the bytes each request carried.
            // Held bad credentials answers: a server that spoils the real token server's answers.
            commands: {
              ...networkDropCommands,
              ...wireMeterCommands,
              ...spoiledAnswersCommands,
              // The lazy engine: its module fails to fetch, then fetches again.
              ...engineFetchCommands,
              // Two tabs of one site: more top-level pages in the test's browser context.
              ...extraPagesCommands,
            },
          },
        },
      },
      {
        ...resolveSource,
        test: {
          // End-to-end: a real Chromium driven by playwright-core against running servers.
          name: 'e2e',
          // The demo, and each framework example built and driven as its users would.
          include: ['apps/*/test/e2e/**/*.test.ts', 'examples/*/test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup,
          maxWorkers: workers,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
