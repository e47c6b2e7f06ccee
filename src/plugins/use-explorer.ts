/**
 * Serves the built explorer (explorer/dist, made by explorer/build.ts) at /explorer: index.html
 * for the page itself (any query string), review.html at /explorer/review, hashed assets under /explorer/assets/ cached for good.
 * Files are read from disk per request (no cache in memory), so a rebuild shows up at once.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';

export const EXPLORER_PATH = '/explorer';
const DIST = fileURLToPath(new URL('../../explorer/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function useExplorer(distDir = DIST): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== EXPLORER_PATH && !url.pathname.startsWith(`${EXPLORER_PATH}/`)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const rest = url.pathname.slice(EXPLORER_PATH.length).replace(/^\/+/, '');
      // Two pages: the explorer, and the review page of ingested documents at /explorer/review.
      const page = rest === '' || rest === 'index.html' ? 'index.html' : rest === 'review' ? 'review.html' : null;
      const isPage = page !== null || rest === 'review.html';
      // normalize() resolves `..`; anything that would leave dist/ is not found.
      const file = normalize(join(distDir, page ?? rest));
      if (!file.startsWith(distDir.endsWith(sep) ? distDir : distDir + sep)) {
        endResponse(new fetchAPI.Response('Not found', { status: 404 }));
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        endResponse(
          isPage
            ? new fetchAPI.Response(
                'The explorer is not built yet: run `npm run build:explorer` (npm start does it).',
                { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } },
              )
            : new fetchAPI.Response('Not found', {
                status: 404,
                headers: { 'content-type': 'text/plain; charset=utf-8' },
              }),
        );
        return;
      }
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Vite names assets by content hash: they never change under one name.
        'cache-control': isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
      };
      endResponse(
        new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers }),
      );
    },
  };
}
