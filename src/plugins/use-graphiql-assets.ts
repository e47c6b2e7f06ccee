/**
 * GraphiQL served entirely by this process: its bundle comes from the installed
 * `@graphql-yoga/render-graphiql` package and is served as plain files under `/graphiql/`, so
 * the page makes no request to another host (it works offline) and runs under a
 * Content-Security-Policy that allows only our own origin (no inline script, no blob: workers,
 * unlike the package's own one-page renderer).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import {
  css,
  editorWorkerService,
  favicon,
  graphqlWorker,
  js,
  jsonWorker,
} from '@graphql-yoga/render-graphiql/graphiql';
import { PLAN_TAB_CSS, PLAN_TAB_JS, withExtraPlugins } from './graphiql-plan-tab.js';

export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

/**
 * Sets Monaco's worker URLs to our files, then renders GraphiQL with the page's options.
 * Monaco writes its theme and icon rules into a <style> element it creates at run time; the
 * page's one-time nonce (CSP `style-src-elem 'nonce-…'`) is put on every <style> element this
 * page creates, so that works without allowing inline style sheets in general.
 */
const INIT_JS = `(function () {
  var nonceMeta = document.querySelector('meta[name="csp-style-nonce"]');
  var nonce = nonceMeta && nonceMeta.getAttribute('content');
  if (nonce) {
    var createElement = Document.prototype.createElement;
    Document.prototype.createElement = function (tagName, options) {
      var element = createElement.call(this, tagName, options);
      if (String(tagName).toLowerCase() === 'style') element.nonce = nonce;
      return element;
    };
  }
  var workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return '${GRAPHIQL_ASSETS_PATH}' + (workers[label] || workers.editorWorkerService);
    },
  };
  var options = JSON.parse(document.getElementById('graphiql-options').textContent || '{}');
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
})();
`;

/** Our own bits on top of GraphiQL: the link to the explorer. */
const STARGRAPH_CSS = `.stargraph-explorer-link {
  position: fixed; bottom: 14px; right: 20px; z-index: 10;
  font: 600 13px/1.2 system-ui, sans-serif; color: #fff; background: #1f4fd1;
  padding: 6px 10px; border-radius: 6px; text-decoration: none;
}
.stargraph-explorer-link:hover, .stargraph-explorer-link:focus { background: #163a9c; }
`;

interface Asset {
  body: Uint8Array<ArrayBuffer> | string;
  type: string;
  etag: string;
}

function asset(body: Uint8Array<ArrayBuffer> | string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` };
}

function faviconBytes(dataUrl: string): Uint8Array<ArrayBuffer> {
  const comma = dataUrl.indexOf(',');
  return new Uint8Array(Buffer.from(dataUrl.slice(comma + 1), 'base64'));
}

const JAVASCRIPT_TYPE = 'text/javascript; charset=utf-8';
/** The bundle, widened to take our plugins (the "Query plan" tab); see withExtraPlugins. */
const bundle = withExtraPlugins(js);
export const GRAPHIQL_PLAN_TAB = bundle.patched;
const ASSETS = new Map<string, Asset>([
  ['graphiql.js', asset(bundle.js, JAVASCRIPT_TYPE)],
  ['graphiql.css', asset(css, 'text/css; charset=utf-8')],
  ['stargraph.css', asset(STARGRAPH_CSS + PLAN_TAB_CSS, 'text/css; charset=utf-8')],
  ['plan-tab.js', asset(PLAN_TAB_JS, JAVASCRIPT_TYPE)],
  ['init.js', asset(INIT_JS, JAVASCRIPT_TYPE)],
  ['editor.worker.js', asset(editorWorkerService, JAVASCRIPT_TYPE)],
  ['json.worker.js', asset(jsonWorker, JAVASCRIPT_TYPE)],
  ['graphql.worker.js', asset(graphqlWorker, JAVASCRIPT_TYPE)],
  ['favicon.ico', asset(faviconBytes(favicon), 'image/x-icon')],
]);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One random nonce per GraphiQL page response, read back by the CSP plugin for its header. */
const styleNonces = new WeakMap<Request, string>();

export function styleNonceFor(request: Request): string | undefined {
  return styleNonces.get(request);
}

/** GraphiQL's options for one page request, carrying that page's style nonce. */
export function graphiqlOptionsFor<T extends object>(options: T) {
  return (request: Request): T & { styleNonce: string } => {
    const styleNonce = randomBytes(18).toString('base64');
    styleNonces.set(request, styleNonce);
    return { ...options, styleNonce };
  };
}

/** The GraphiQL page: options travel as a JSON data block (not executed, so CSP-safe). */
export function renderGraphiQLPage({
  styleNonce,
  ...options
}: Record<string, unknown> & { title?: string; styleNonce?: string }): string {
  // `<` escaped so no value (an example's text) can close the data block.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  const p = GRAPHIQL_ASSETS_PATH;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <meta name="csp-style-nonce" content="${escapeHtml(styleNonce ?? '')}" />
    <link rel="icon" href="${p}favicon.ico" />
    <link rel="stylesheet" href="${p}graphiql.css" />
    <link rel="stylesheet" href="${p}stargraph.css" />
  </head>
  <body class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <a class="stargraph-explorer-link" href="/explorer">Graph explorer</a>
    <div id="root"></div>
    <script type="application/json" id="graphiql-options">${json}</script>
    <script src="${p}graphiql.js"></script>
    <script src="${p}plan-tab.js"></script>
    <script src="${p}init.js"></script>
  </body>
</html>
`;
}

/** Answers GET `/graphiql/<file>` from memory, with an ETag so browsers revalidate cheaply. */
export function useGraphiQLAssets(): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      const found =
        request.method === 'GET' || request.method === 'HEAD'
          ? ASSETS.get(url.pathname.slice(GRAPHIQL_ASSETS_PATH.length))
          : undefined;
      if (!found) {
        endResponse(new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }));
        return;
      }
      const headers = { 'content-type': found.type, etag: found.etag, 'cache-control': 'no-cache' };
      if (request.headers.get('if-none-match') === found.etag) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : found.body, { status: 200, headers }));
    },
  };
}
