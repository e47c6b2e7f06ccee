/**
 * The reconcile preview (`/reconcile/preview?id=<slug>`): one entity as a small HTML page that
 * OpenRefine shows in an iframe of PREVIEW_SIZE. Self-contained: no script, no file, its one
 * style sheet inline with the response's style nonce (CSP `style-src-elem 'nonce-…'`), so it
 * renders under the site's policy. Every value from the graph is HTML-escaped.
 */
import type { EntityRow } from '../graph/entities.js';
import { identifiersOf, PREVIEW_SIZE } from '../identity/reconcile-service.js';

const CSS = `
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff;
max-width:${PREVIEW_SIZE.width}px;padding:10px 12px}
h1{font-size:17px;line-height:1.25;margin:0 0 2px;overflow-wrap:anywhere}
.kind{margin:0 0 6px;color:#3d4651;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.description{margin:0 0 6px;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:2px 8px}
dt{color:#3d4651;font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
ul{list-style:none;margin:0;padding:0}
.scheme{font-size:11px;color:#3d4651;margin-right:4px}
.id{margin:6px 0 0;font-size:12px;color:#3d4651}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
a{color:#1f4fd1}
`;

/** Text for HTML: `& < > " '` as character references, so no value can open an element or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(nonce)}">${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** An entity's preview: name, kind (and country), description, aliases, identifiers, its slug and explorer link. */
export function renderPreview(entity: EntityRow, nonce: string): string {
  const country = typeof entity.country === 'string' && entity.country ? ` · ${entity.country}` : '';
  const identifiers = identifiersOf(entity);
  const rows = [
    entity.aliases.length > 0
      ? `<dt>Also known as</dt><dd class="aliases">${entity.aliases.map(escapeHtml).join(', ')}</dd>`
      : '',
    identifiers.length > 0
      ? `<dt>Identifiers</dt><dd><ul class="identifiers">${identifiers
          .map((i) => `<li><span class="scheme">${escapeHtml(i.scheme)}</span>${escapeHtml(i.value)}</li>`)
          .join('')}</ul></dd>`
      : '',
  ].join('');
  const explorer = `/explorer?focus=${encodeURIComponent(entity.slug)}`;
  return page(
    `${entity.name} · stargraph`,
    `<main class="preview">
<h1>${escapeHtml(entity.name)}</h1>
<p class="kind">${escapeHtml(entity.label)}${escapeHtml(country)}</p>
${entity.description ? `<p class="description">${escapeHtml(entity.description)}</p>` : ''}
${rows ? `<dl>${rows}</dl>` : ''}
<p class="id"><code>${escapeHtml(entity.slug)}</code> · <a href="${escapeHtml(explorer)}" target="_blank" rel="noopener noreferrer">Open in the explorer</a></p>
</main>`,
    nonce,
  );
}

/** The page for an id that names no entity (answered with 404). */
export function renderPreviewNotFound(id: string, nonce: string): string {
  return page(
    'Not found · stargraph',
    `<main class="preview"><h1>Not found</h1><p class="description">No entity has the id <code>${escapeHtml(id)}</code>.</p></main>`,
    nonce,
  );
}
