import type { Server } from 'node:http';
import { type Connect, createServer, defaultClientConditions } from 'vite';

export interface WebAppOptions {
  /** The Vite HMR websocket shares the demo's port instead of opening its own (24678). */
  httpServer: Server;
  /** Directory holding index.html. */
  root: string;
  cacheDir: string;
}

/**
 * The Vite dev server in middleware mode, mounted into the demo's Express app so that the
 * page, the sign-in and the token server share one origin.
 */
export async function createWebApp(
  options: WebAppOptions,
): Promise<{ middlewares: Connect.Server; close(): Promise<void> }> {
  const vite = await createServer({
    root: options.root,
    cacheDir: options.cacheDir,
    configFile: false,
    // SPA fallback: /share#... and any deep link load index.html, which routes itself.
    appType: 'spa',
    logLevel: 'warn',
    clearScreen: false,
    // Workspace packages resolve to their TypeScript sources: no build step for the demo.
    resolve: { conditions: ['@s3up/source', ...defaultClientConditions] },
    server: { middlewareMode: true, hmr: { server: options.httpServer } },
    // Pre-bundle the heavy dependencies up front: discovering them on first load would make
    // Vite reload the page mid-use.
    optimizeDeps: {
      entries: ['index.html'],
      include: ['lit', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'],
    },
  });
  return { middlewares: vite.middlewares, close: () => vite.close() };
}
