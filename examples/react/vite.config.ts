import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // Inside this repository the @s3up packages resolve to their TypeScript sources; an app
  // that installs them from npm leaves this out.
  resolve: { conditions: ['@s3up/source', ...defaultClientConditions] },
  server: {
    // In development the page asks its own origin for credentials and vite forwards them to
    // the token server (the bin, port 8787). With the bin's S3UP_DEV_AUTH=true, set
    // S3UP_DEV_USER=alice here and vite signs every request in as alice (x-s3up-user).
    proxy: {
      '/s3up': {
        target: process.env.S3UP_TOKEN_SERVER_URL ?? 'http://127.0.0.1:8787',
        rewrite: (path) => path.slice('/s3up'.length),
        headers: process.env.S3UP_DEV_USER ? { 'x-s3up-user': process.env.S3UP_DEV_USER } : {},
      },
    },
  },
});
