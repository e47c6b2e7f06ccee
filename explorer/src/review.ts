/**
 * The review page of an ingested document (/explorer/review?source=<Source id>): its text with
 * the names the extractor found (entities of the graph one style, new names another; each a link
 * into the explorer), and beside it the candidate claims, to accept or reject one by one from the
 * keyboard (j/k or arrows to move, a to accept, r to reject with a reason). Without `source`, the
 * list of ingested documents. Writes go with the session's write token (token.ts).
 */
import { byId as $, el, fieldLabel, propertyText } from './dom.js';
import { request, type ResultOf } from './graphql.js';
import { AcceptCandidate, Documents, RejectCandidate, ReviewDocument } from './queries.js';
import { NoTokenError, tokenField, write } from './token.js';

type Answer = ResultOf<typeof ReviewDocument>;
type Candidate = Answer['candidateClaims']['edges'][number]['node'];
type Mention = {
  start: number;
  end: number;
  text: string;
  entity: { slug: string; name: string; entityKind: string } | null;
  newEntityName: string | null;
  newEntityKind: string | null;
};

const main = $<HTMLElement>('review');
const statusEl = $<HTMLParagraphElement>('review-status');
$<HTMLSpanElement>('token-slot').replaceWith(tokenField('write-token'));

const setStatus = (text: string) => {
  statusEl.textContent = text;
};

const explorerHref = (params: Record<string, string>) => `/explorer/?${new URLSearchParams(params).toString()}`;

// --- the documents to start from ------------------------------------------------------------

async function showDocuments(): Promise<void> {
  const { documents } = await request(Documents, {});
  document.title = 'Ingested documents · stargraph review';
  const list = el('ul', { className: 'documents' });
  for (const d of documents) {
    const meta = [d.publisher, d.publishedOn, d.language].filter(Boolean).join(' · ');
    list.append(
      el(
        'li',
        {},
        el('a', { href: `?source=${encodeURIComponent(d.id)}` }, d.title),
        meta ? el('span', { className: 'meta' }, ` ${meta}`) : '',
      ),
    );
  }
  main.replaceChildren(
    el(
      'section',
      { className: 'documents-list' },
      el('h2', {}, `Ingested documents (${documents.length})`),
      documents.length
        ? list
        : el('p', {}, 'No document yet: send one with the ingestDocument mutation or `npm run ingest`.'),
    ),
  );
  setStatus('Pick a document to review its candidate claims.');
}

// --- the document's text --------------------------------------------------------------------

/**
 * The text as spans cut at every mention and quote boundary, so a quote range is a run of whole
 * spans (`data-start`, `data-end`) whatever mentions it crosses; mentions wrap theirs in links.
 */
function renderText(text: string, mentions: readonly Mention[], cuts: readonly number[]): HTMLElement {
  const breaks = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  const pieces = (from: number, to: number): HTMLElement[] => {
    const points = [from, ...breaks.filter((b) => b > from && b < to), to];
    const spans: HTMLElement[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i]!, points[i + 1]!];
      spans.push(el('span', { className: 'seg', dataset: { start: String(a), end: String(b) } }, text.slice(a, b)));
    }
    return spans;
  };
  const article = el('div', { className: 'doc-text', id: 'doc-text' });
  let at = 0;
  for (const m of [...mentions].sort((a, b) => a.start - b.start)) {
    if (m.start < at || m.end > text.length || m.end <= m.start) continue;
    article.append(...pieces(at, m.start));
    const link = m.entity
      ? el(
          'a',
          {
            className: 'mention known',
            href: explorerHref({ focus: m.entity.slug }),
            title: `${m.entity.name} (${m.entity.entityKind.toLowerCase()}, in the graph): open it in the explorer`,
            dataset: { slug: m.entity.slug },
          },
          ...pieces(m.start, m.end),
        )
      : el(
          'a',
          {
            className: 'mention new',
            href: explorerHref({ search: m.newEntityName ?? m.text }),
            title: `${m.newEntityName ?? m.text}: a new ${(m.newEntityKind ?? 'entity').toLowerCase()}, not in the graph yet`,
          },
          ...pieces(m.start, m.end),
        );
    article.append(link);
    at = m.end;
  }
  article.append(...pieces(at, text.length));
  return article;
}

// --- candidate claims -----------------------------------------------------------------------

let candidates: Candidate[] = [];
let current = -1;
const items: HTMLLIElement[] = [];
let textEl: HTMLElement | null = null;

const entityName = (e: { name: string } | null, name: string | null) => e?.name ?? name ?? '?';

function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return propertyText(field, value);
}

/** What a candidate claims, in words: "Stargate: Pledged $500 billion", "OpenAI party to …". */
function claimInWords(c: Candidate): string {
  if (c.kind === 'VALUE') {
    const field = c.field ?? '?';
    return `${entityName(c.subject, c.subjectName)}: ${fieldLabel(field)} ${valueText(field, c.value)}`;
  }
  const verb = (c.type ?? 'related to').toLowerCase().replaceAll('_', ' ');
  return `${entityName(c.from, c.fromName)} ${verb} ${entityName(c.to, c.toName)}`;
}

const decidable = (c: Candidate) => c.status === 'PENDING' || c.status === 'KNOWN';

function candidateItem(c: Candidate, index: number): HTMLLIElement {
  const pick = el('button', { type: 'button', className: 'linklike pick' }, claimInWords(c));
  pick.addEventListener('click', () => select(index));
  const accept = el('button', { type: 'button', className: 'small' }, 'Accept (a)');
  accept.addEventListener('click', () => {
    select(index);
    void acceptCurrent();
  });
  const reject = el('button', { type: 'button', className: 'small' }, 'Reject (r)');
  reject.addEventListener('click', () => {
    select(index);
    openReject();
  });
  const li = el(
    'li',
    { id: `candidate-${index}`, className: `candidate st-${c.status.toLowerCase()}`, dataset: { id: c.id } },
    el('span', { className: `cand-status st-${c.status.toLowerCase()}` }, c.status),
    ' ',
    pick,
    el('blockquote', { className: 'quote' }, `“${c.quote}”`),
    el(
      'p',
      { className: 'meta' },
      `${c.rule} · confidence ${c.confidence.toFixed(2)} · characters ${c.quoteStart}–${c.quoteEnd}`,
    ),
    c.reason ? el('p', { className: 'reason' }, `Rejected: ${c.reason}`) : '',
    decidable(c) ? el('div', { className: 'cand-actions' }, accept, ' ', reject) : '',
  );
  if (index === current) markSelected(li, true);
  return li;
}

function markSelected(li: HTMLLIElement, on: boolean): void {
  li.classList.toggle('selected', on);
  if (on) li.setAttribute('aria-current', 'true');
  else li.removeAttribute('aria-current');
}

/** Selects candidate `index`: highlights its quote in the text, scrolls both to it. */
function select(index: number, focus = true): void {
  if (index < 0 || index >= candidates.length) return;
  current = index;
  for (const [i, li] of items.entries()) markSelected(li, i === index);
  const c = candidates[index]!;
  const segs = [...(textEl?.querySelectorAll<HTMLElement>('.seg') ?? [])];
  let first: HTMLElement | null = null;
  for (const seg of segs) {
    const inside = Number(seg.dataset.start) >= c.quoteStart && Number(seg.dataset.end) <= c.quoteEnd;
    seg.classList.toggle('in-quote', inside);
    if (inside && !first) first = seg;
  }
  first?.scrollIntoView({ block: 'center' });
  const li = items[index]!;
  li.scrollIntoView({ block: 'nearest' });
  if (focus) li.querySelector<HTMLButtonElement>('button.pick')?.focus({ preventScroll: true });
  setStatus(`Candidate ${index + 1} of ${candidates.length} (${c.status}): ${claimInWords(c)}`);
}

/** Puts a decided candidate in place of the old one, keeping it selected. */
function replaceCandidate(index: number, updated: Candidate): void {
  candidates[index] = updated;
  const li = candidateItem(updated, index);
  items[index]!.replaceWith(li);
  items[index] = li;
  li.querySelector<HTMLButtonElement>('button.pick')?.focus({ preventScroll: true });
  renderCounts();
}

function failed(error: unknown): void {
  if (error instanceof NoTokenError) {
    setStatus(error.message);
    document.getElementById('write-token')?.focus();
    return;
  }
  setStatus(`Failed: ${(error as Error).message}`);
}

async function acceptCurrent(): Promise<void> {
  const index = current;
  const c = candidates[index];
  if (!c) return;
  if (!decidable(c)) {
    setStatus(`This candidate is ${c.status} already.`);
    return;
  }
  setStatus(`Accepting: ${claimInWords(c)}…`);
  try {
    const { acceptCandidate } = await write(AcceptCandidate, { id: c.id });
    replaceCandidate(index, acceptCandidate.candidate);
    setStatus(`Accepted: ${claimInWords(c)} (claim ${acceptCandidate.claim.id}).`);
  } catch (error) {
    failed(error);
  }
}

/** Asks for the reason inline, under the selected candidate: Enter rejects, Escape cancels. */
function openReject(): void {
  const index = current;
  const c = candidates[index];
  const li = items[index];
  if (!c || !li) return;
  if (!decidable(c)) {
    setStatus(`This candidate is ${c.status} already.`);
    return;
  }
  li.querySelector('.reject-form')?.remove();
  const reason = el('input', { id: 'reject-reason', required: true, autocomplete: 'off', maxLength: 1000 });
  const close = () => {
    form.remove();
    li.querySelector<HTMLButtonElement>('button.pick')?.focus({ preventScroll: true });
  };
  const form = el(
    'form',
    { className: 'reject-form' },
    el('label', { htmlFor: 'reject-reason' }, 'Reason for rejecting'),
    ' ',
    reason,
    ' ',
    el('button', { type: 'submit', className: 'small' }, 'Reject'),
    ' ',
    el('button', { type: 'button', className: 'small', onclick: close }, 'Cancel'),
    el('span', { className: 'meta' }, ' Enter rejects, Escape cancels.'),
  );
  reason.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    close();
    setStatus('Rejection cancelled.');
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      setStatus('Give a reason to reject it.');
      return;
    }
    setStatus(`Rejecting: ${claimInWords(c)}…`);
    try {
      const { rejectCandidate } = await write(RejectCandidate, { id: c.id, reason: text });
      replaceCandidate(index, rejectCandidate);
      setStatus(`Rejected: ${claimInWords(c)}.`);
    } catch (error) {
      failed(error);
    }
  });
  li.append(form);
  reason.focus();
}

let countsEl: HTMLElement | null = null;
let mentionsSummary = '';

function renderCounts(): void {
  if (!countsEl) return;
  const by = (s: string) => candidates.filter((c) => c.status === s).length;
  countsEl.textContent =
    `${mentionsSummary} · ${candidates.length} candidate claims: ${by('PENDING')} pending, ${by('KNOWN')} known, ` +
    `${by('ACCEPTED')} accepted, ${by('REJECTED')} rejected`;
}

document.addEventListener('keydown', (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey || candidates.length === 0) return;
  if ((e.target as HTMLElement).closest('input, textarea, select')) return;
  if (e.key === 'j' || e.key === 'ArrowDown') select(Math.min(current + 1, candidates.length - 1));
  else if (e.key === 'k' || e.key === 'ArrowUp') select(Math.max(current - 1, 0));
  else if (e.key === 'a') void acceptCurrent();
  else if (e.key === 'r') openReject();
  else return;
  e.preventDefault();
});

async function showDocument(id: string): Promise<void> {
  setStatus('Loading the document…');
  const answer = await request(ReviewDocument, { id });
  const source = answer.node && 'title' in answer.node ? answer.node : null;
  if (!source) {
    main.replaceChildren(el('p', {}, `No source "${id}". `, el('a', { href: '?' }, 'See the ingested documents.')));
    setStatus('');
    return;
  }
  document.title = `${source.title} · stargraph review`;
  candidates = answer.candidateClaims.edges.map((e) => e.node);
  const mentions: readonly Mention[] = source.document?.mentions ?? [];
  const known = mentions.filter((m) => m.entity).length;
  mentionsSummary = `${mentions.length} mentions: ${known} of entities in the graph, ${mentions.length - known} of new ones`;
  const meta = [source.publisher, source.publishedOn, source.language].filter(Boolean).join(' · ');
  countsEl = el('p', { className: 'meta counts' });
  const cuts = [...mentions.flatMap((m) => [m.start, m.end]), ...candidates.flatMap((c) => [c.quoteStart, c.quoteEnd])];
  textEl = source.document
    ? renderText(source.document.text, mentions, cuts)
    : el('p', {}, 'This source has no stored text: it did not come in through ingestDocument.');
  items.length = 0;
  items.push(...candidates.map((c, i) => candidateItem(c, i)));
  const more = answer.candidateClaims.pageInfo.hasNextPage
    ? el('p', { className: 'meta' }, `The first ${candidates.length} of ${answer.candidateClaims.totalCount}.`)
    : '';
  main.replaceChildren(
    el(
      'section',
      { className: 'doc', ariaLabel: 'Document' },
      el('p', { className: 'kicker' }, 'Document'),
      el('h2', {}, source.title),
      el(
        'p',
        { className: 'meta' },
        meta,
        source.url ? ' · ' : '',
        source.url ? el('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, 'original ↗') : '',
      ),
      countsEl,
      el(
        'p',
        { className: 'legend-mentions meta' },
        el('span', { className: 'mention known' }, 'Entity in the graph'),
        ' ',
        el('span', { className: 'mention new' }, 'New name'),
        ' ',
        el('span', { className: 'in-quote' }, 'Quote of the selected claim'),
      ),
      textEl,
    ),
    el(
      'section',
      { className: 'candidates', id: 'candidates', ariaLabel: 'Candidate claims', tabIndex: -1 },
      el('h2', {}, `Candidate claims (${answer.candidateClaims.totalCount})`),
      more,
      el('ol', { className: 'candidate-list' }, ...items),
    ),
  );
  renderCounts();
  // Open on the first candidate still to decide, without taking the focus from the page.
  const firstOpen = candidates.findIndex((c) => c.status === 'PENDING');
  if (candidates.length) select(Math.max(firstOpen, 0), false);
  else setStatus('No candidate claims in this document.');
}

async function start(): Promise<void> {
  const source = new URLSearchParams(location.search).get('source');
  if (source) await showDocument(source);
  else await showDocuments();
  document.body.dataset.ready = 'true';
}

void start().catch((error: Error) => {
  setStatus(`Could not load: ${error.message}`);
  document.body.dataset.ready = 'true';
});
