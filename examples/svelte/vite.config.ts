import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Svelte 5 needs nothing for <s3-upload>: it sets the properties the element has as
  // properties (maxFileSize, credentialsRequest, value) and listens for `on` + an event's name.
  plugins: [svelte()],
  // Inside this repository the @s3up packages resolve to their TypeScript sources; an app
  // that installs them from npm leaves this out.
  resolve: { conditions: ['@s3up/source', ...defaultClientConditions] },
  server: {
    // In development the token server runs beside vite (`pnpm --filter @s3up/token-server
    // start`, port 8787): the page asks for credentials on its own origin.
    proxy: {
      '/s3up': {
        target: process.env.S3UP_TOKEN_SERVER_URL ?? 'http://127.0.0.1:8787',
        rewrite: (p) => p.slice(5),
      },
    },
  },
});
