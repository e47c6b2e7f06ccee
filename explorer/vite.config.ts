import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by stargraph itself under /explorer/ (src/plugins/use-explorer.ts); never committed.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/explorer/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script>/<style> and no data: modules: the page runs under a CSP that allows
    // only our own origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    // Two pages: the explorer, and the review page of ingested documents (/explorer/review).
    rollupOptions: {
      input: {
        explorer: fileURLToPath(new URL('index.html', import.meta.url)),
        review: fileURLToPath(new URL('review.html', import.meta.url)),
      },
    },
  },
});
