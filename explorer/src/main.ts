/**
 * The explorer page: search with suggestions, a neighbourhood graph that expands on demand, a
 * side panel with properties, relationships and sources, a path finder, relationship filters,
 * a text view of everything visible, and the view in the URL (?focus=&selected=&from=&to=).
 * Everything comes from the public GraphQL API at /graphql.
 */
import { GraphView, type GraphEdge, type GraphNode, type Kind } from './graph-view.js';
import { request, type ResultOf } from './graphql.js';
import { EntityDetails, Neighborhood, Search, ShortestPath, SourceDetails, Suggest } from './queries.js';

const NEIGHBOURS_PER_EXPANSION = 200;
/**
 * A focus shows two hops: companies meet through deals and projects (OpenAI → a deal → Oracle),
 * so one hop would show the deals but not who is on the other side. An expansion adds one hop.
 */
const FOCUS_DEPTH = 2;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const graphEl = $<HTMLDivElement>('graph');
const panel = $<HTMLElement>('panel');
const statusEl = $<HTMLParagraphElement>('status');
const searchForm = $<HTMLFormElement>('search-form');
const searchInput = $<HTMLInputElement>('search-input');
const suggestionsEl = $<HTMLUListElement>('suggestions');
const pathForm = $<HTMLFormElement>('path-form');
const pathFrom = $<HTMLInputElement>('path-from');
const pathTo = $<HTMLInputElement>('path-to');
const typeFilter = $<HTMLFieldSetElement>('type-filter');
const textEntities = $<HTMLUListElement>('text-entities');
const textRelationships = $<HTMLUListElement>('text-relationships');

const state = { focus: '', selected: '', from: '', to: '', hiddenTypes: new Set<string>() };
// A click selects a node; a click on the selected node (or a double-click) expands it.
const view = new GraphView(graphEl, {
  select: (slug) => void (state.selected === slug ? expand(slug) : select(slug)),
  expand: (slug) => void expand(slug),
});
/** Expansions under way: a double-click's taps must not fetch the same neighbours thrice. */
const expanding = new Set<string>();
/** A path was just found: frame it once the layout its new nodes started has settled. */
let framePathWhenSettled = false;
view.onSettled = (count) => {
  if (framePathWhenSettled) {
    framePathWhenSettled = false;
    view.cy.fit(view.cy.elements('.path'), 60);
    if (view.cy.zoom() > 1.3)
      view.cy.zoom({ level: 1.3, renderedPosition: { x: view.cy.width() / 2, y: view.cy.height() / 2 } });
  }
  graphEl.dataset.layouts = String(count);
};
// For debugging in the console and for the end-to-end test: the graph as Cytoscape holds it.
(window as unknown as { stargraphExplorer: GraphView }).stargraphExplorer = view;
/** Deal values by slug, for the width of the edges that join a deal. */
const dealValues = new Map<string, number>();

function setStatus(text: string): void {
  statusEl.textContent = text;
}

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset'>> & {
  dataset?: Record<string, string>;
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  { dataset, ...props }: Props<K> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  if (dataset) Object.assign(element.dataset, dataset);
  element.append(...children);
  return element;
}

const usd = (v: number) =>
  v >= 1e9
    ? `$${(v / 1e9).toLocaleString('en-US', { maximumFractionDigits: 1 })} billion`
    : `$${v.toLocaleString('en-US')}`;

function kindBadge(kind: Kind): HTMLElement {
  return el('span', { className: `badge k-${kind.toLowerCase()}` }, kind.charAt(0) + kind.slice(1).toLowerCase());
}

// --- URL state ------------------------------------------------------------------------------

function writeUrl(): void {
  const params = new URLSearchParams();
  if (state.focus) params.set('focus', state.focus);
  if (state.selected && state.selected !== state.focus) params.set('selected', state.selected);
  if (state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

// --- graph data -----------------------------------------------------------------------------

type Rel = ResultOf<typeof Neighborhood>['neighborhood']['relationships'][number];
type Ent = ResultOf<typeof Neighborhood>['neighborhood']['nodes'][number];

function toNodes(nodes: Ent[]): GraphNode[] {
  return nodes.map((n) => {
    const valueUsd = 'valueUsd' in n ? (n.valueUsd ?? null) : null;
    if (valueUsd) dealValues.set(n.slug, valueUsd);
    return { slug: n.slug, name: n.name, entityKind: n.entityKind as Kind, valueUsd };
  });
}

function toEdges(relationships: Rel[]): GraphEdge[] {
  return relationships.map((r) => ({
    id: r.id,
    type: r.type,
    from: r.from.slug,
    to: r.to.slug,
    role: r.role,
    title: r.title,
    valueUsd: r.amountUsd ?? r.committedUsd ?? dealValues.get(r.to.slug) ?? dealValues.get(r.from.slug) ?? null,
  }));
}

async function focus(slug: string): Promise<void> {
  setStatus(`Loading ${slug}…`);
  const { neighborhood } = await request(Neighborhood, {
    id: slug,
    depth: FOCUS_DEPTH,
    limit: NEIGHBOURS_PER_EXPANSION,
  });
  view.clear();
  view.add(toNodes(neighborhood.nodes), toEdges(neighborhood.relationships));
  state.focus = slug;
  state.from = state.to = '';
  view.setFocus(slug);
  refreshLists();
  const more = neighborhood.truncated ? ' (more not shown)' : '';
  setStatus(
    `${neighborhood.nodes.length} entities around ${view.nameOf(slug)}${more}. ` +
      'Click a node to see it, click it again (or double-click) to add its neighbours.',
  );
  await select(slug);
}

async function expand(slug: string): Promise<void> {
  if (expanding.has(slug)) return;
  expanding.add(slug);
  setStatus(`Expanding ${view.nameOf(slug)}…`);
  const { neighborhood } = await request(Neighborhood, { id: slug, depth: 1, limit: NEIGHBOURS_PER_EXPANSION }).finally(
    () => expanding.delete(slug),
  );
  const { added } = view.add(toNodes(neighborhood.nodes), toEdges(neighborhood.relationships), slug);
  refreshLists();
  const more = neighborhood.truncated ? ' (more not shown)' : '';
  setStatus(`${added} new entities around ${view.nameOf(slug)}${more}; ${view.cy.nodes().length} on screen.`);
}

// --- side panel -----------------------------------------------------------------------------

type Details = NonNullable<ResultOf<typeof EntityDetails>['entity']>;

const PROPERTY_LABELS: Record<string, string> = {
  companyKind: 'Kind',
  dealKind: 'Kind',
  country: 'Country',
  projectStatus: 'Status',
  datacenterStatus: 'Status',
  announcedOn: 'Announced',
  pledgedUsd: 'Pledged',
  targetPowerMw: 'Target power',
  location: 'Location',
  powerMw: 'Power',
  targetDate: 'Target date',
  valueUsd: 'Value',
  startsOn: 'Starts',
  endsOn: 'Ends',
};

function propertyText(key: string, value: unknown): string {
  if (typeof value === 'number' && key.endsWith('Usd')) return usd(value);
  if (typeof value === 'number' && key.endsWith('Mw')) return `${value.toLocaleString('en-US')} MW`;
  return String(value);
}

function renderDetails(entity: Details): void {
  const props = el('dl', { className: 'props' });
  for (const [key, label] of Object.entries(PROPERTY_LABELS)) {
    const value = (entity as Record<string, unknown>)[key];
    if (value === null || value === undefined) continue;
    props.append(el('dt', {}, label), el('dd', {}, propertyText(key, value)));
  }
  if (entity.aliases.length) props.append(el('dt', {}, 'Also known as'), el('dd', {}, entity.aliases.join(', ')));

  const relationships = el('ul', { className: 'relationships' });
  for (const edge of entity.relationships.edges) {
    const extras = [
      edge.role,
      edge.title,
      edge.amountUsd ? usd(edge.amountUsd) : null,
      edge.committedUsd ? `committed ${usd(edge.committedUsd)}` : null,
      edge.on,
      edge.since ? `since ${edge.since}` : null,
    ].filter(Boolean);
    const arrow = edge.direction === 'OUT' ? '→' : '←';
    const link = el(
      'button',
      { type: 'button', className: 'linklike', onclick: () => void select(edge.node.slug, true) },
      edge.node.name,
    );
    relationships.append(
      el(
        'li',
        {},
        `${arrow} ${edge.type} `,
        link,
        ' ',
        kindBadge(edge.node.entityKind as Kind),
        extras.length ? ` (${extras.join(', ')})` : '',
      ),
    );
  }

  const sources = el('ul', { className: 'sources' });
  for (const source of entity.sources) {
    const meta = [source.publisher, source.publishedOn, source.language].filter(Boolean).join(' · ');
    const open = el(
      'a',
      {
        href: `?focus=${encodeURIComponent(state.focus || entity.slug)}&source=${encodeURIComponent(source.id)}`,
        className: 'source-link',
        onclick: (e: MouseEvent) => {
          e.preventDefault();
          void showSource(source.id);
        },
      },
      source.title,
    );
    const item = el('li', {}, open, meta ? el('span', { className: 'meta' }, ` ${meta}`) : '');
    if (source.url)
      item.append(
        ' ',
        el(
          'a',
          { href: source.url, target: '_blank', rel: 'noopener noreferrer', className: 'external' },
          'original ↗',
        ),
      );
    sources.append(item);
  }

  const expandButton = el('button', { type: 'button', onclick: () => void expand(entity.slug) }, 'Expand neighbours');
  const focusButton = el(
    'button',
    { type: 'button', onclick: () => void focus(entity.slug).then(writeUrl) },
    'Focus here',
  );
  const pathButtons = el(
    'span',
    { className: 'path-buttons' },
    el(
      'button',
      {
        type: 'button',
        onclick: () => {
          pathFrom.value = entity.slug;
        },
      },
      'Path from here',
    ),
    el(
      'button',
      {
        type: 'button',
        onclick: () => {
          pathTo.value = entity.slug;
        },
      },
      'Path to here',
    ),
  );

  panel.replaceChildren(
    el('h2', {}, entity.name, ' ', kindBadge(entity.entityKind as Kind)),
    el('p', { className: 'slug' }, entity.slug),
    entity.description ? el('p', {}, entity.description) : '',
    el('div', { className: 'actions' }, expandButton, focusButton, pathButtons),
    props,
    el('h3', {}, `Relationships (${entity.relationships.edges.length})`),
    relationships,
    el('h3', {}, `Sources (${entity.sources.length})`),
    entity.sources.length ? sources : el('p', { className: 'meta' }, 'No source recorded.'),
  );
}

async function select(slug: string, addIfMissing = false): Promise<void> {
  const { entity } = await request(EntityDetails, { slug });
  if (!entity) {
    setStatus(`No entity "${slug}".`);
    return;
  }
  if (addIfMissing && !view.has(slug)) {
    view.add(
      [{ slug: entity.slug, name: entity.name, entityKind: entity.entityKind as Kind }],
      [],
      state.selected || state.focus,
    );
    refreshLists();
  }
  state.selected = slug;
  view.select(slug);
  renderDetails(entity);
  markSelectedInList();
  writeUrl();
}

async function showSource(id: string): Promise<void> {
  const { node } = await request(SourceDetails, { id });
  if (!node || !('title' in node)) return;
  const mentions = el('ul', {});
  for (const { node: e } of node.mentions.edges) {
    mentions.append(
      el(
        'li',
        {},
        el('button', { type: 'button', className: 'linklike', onclick: () => void select(e.slug, true) }, e.name),
        ' ',
        kindBadge(e.entityKind as Kind),
      ),
    );
  }
  const props = el('dl', { className: 'props' });
  for (const [label, value] of [
    ['Publisher', node.publisher],
    ['Published', node.publishedOn],
    ['Language', node.language],
  ] as const) {
    if (value) props.append(el('dt', {}, label), el('dd', {}, value));
  }
  if (node.url)
    props.append(
      el('dt', {}, 'Link'),
      el('dd', {}, el('a', { href: node.url, target: '_blank', rel: 'noopener noreferrer' }, node.url)),
    );
  panel.replaceChildren(
    el('p', { className: 'kicker' }, 'Source'),
    el('h2', { className: 'source-title' }, node.title),
    props,
    el('h3', {}, `Supports facts about (${node.mentions.edges.length})`),
    mentions,
    el('button', { type: 'button', onclick: () => void select(state.selected || state.focus) }, '← Back'),
  );
  panel.focus();
}

// --- text view and filters ------------------------------------------------------------------

function refreshLists(): void {
  const nodes = view.visibleNodes().sort((a, b) => a.name.localeCompare(b.name));
  textEntities.replaceChildren(
    ...nodes.map((n) =>
      el(
        'li',
        { dataset: { slug: n.slug } },
        el('button', { type: 'button', className: 'linklike', onclick: () => void select(n.slug) }, n.name),
        ' ',
        kindBadge(n.kind),
        ' ',
        el(
          'button',
          { type: 'button', className: 'small', onclick: () => void expand(n.slug), ariaLabel: `Expand ${n.name}` },
          'expand',
        ),
      ),
    ),
  );
  const edges = view.visibleEdges();
  textRelationships.replaceChildren(
    ...edges.map((e) =>
      el('li', { dataset: { id: e.id } }, `${view.nameOf(e.from)} — ${e.label} → ${view.nameOf(e.to)}`),
    ),
  );
  renderTypeFilter();
  markSelectedInList();
}

function markSelectedInList(): void {
  const onPath = new Set(view.pathElements());
  for (const li of textEntities.querySelectorAll('li')) {
    li.classList.toggle('selected', li.dataset.slug === state.selected);
    li.classList.toggle('on-path', onPath.has(li.dataset.slug ?? ''));
  }
  for (const li of textRelationships.querySelectorAll('li'))
    li.classList.toggle('on-path', onPath.has(li.dataset.id ?? ''));
}

function renderTypeFilter(): void {
  const boxes = view.types().map((type) => {
    const box = el('input', { type: 'checkbox', checked: !state.hiddenTypes.has(type), value: type });
    box.addEventListener('change', () => {
      if (box.checked) state.hiddenTypes.delete(type);
      else state.hiddenTypes.add(type);
      view.filterTypes(state.hiddenTypes);
      refreshLists();
    });
    return el('label', {}, box, ` ${type}`);
  });
  typeFilter.replaceChildren(el('legend', {}, 'Relationships'), ...boxes);
}

// --- search with suggestions ----------------------------------------------------------------

let suggestTimer: number | undefined;
let suggestAbort: AbortController | undefined;
let activeSuggestion = -1;

function closeSuggestions(): void {
  suggestionsEl.hidden = true;
  suggestionsEl.replaceChildren();
  searchInput.setAttribute('aria-expanded', 'false');
  searchInput.removeAttribute('aria-activedescendant');
  activeSuggestion = -1;
}

function showSuggestions(hits: Array<{ entity: { slug: string; name: string; entityKind: string } }>): void {
  if (hits.length === 0) {
    closeSuggestions();
    return;
  }
  suggestionsEl.replaceChildren(
    ...hits.map((hit, i) => {
      const li = el(
        'li',
        { id: `suggestion-${i}`, role: 'option', className: 'suggestion', dataset: { slug: hit.entity.slug } },
        hit.entity.name,
        ' ',
        kindBadge(hit.entity.entityKind as Kind),
      );
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(hit.entity.slug);
      });
      return li;
    }),
  );
  suggestionsEl.hidden = false;
  searchInput.setAttribute('aria-expanded', 'true');
}

function pick(slug: string): void {
  closeSuggestions();
  searchInput.value = '';
  void focus(slug).then(writeUrl);
}

searchInput.addEventListener('input', () => {
  window.clearTimeout(suggestTimer);
  const text = searchInput.value.trim();
  if (!text) return closeSuggestions();
  suggestTimer = window.setTimeout(async () => {
    suggestAbort?.abort();
    suggestAbort = new AbortController();
    try {
      const { search } = await request(Suggest, { text }, suggestAbort.signal);
      showSuggestions(search);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') setStatus(`Suggestions failed: ${(error as Error).message}`);
    }
  }, 120);
});

searchInput.addEventListener('keydown', (e) => {
  const items = [...suggestionsEl.querySelectorAll<HTMLLIElement>('li')];
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!items.length) return;
    e.preventDefault();
    activeSuggestion = (activeSuggestion + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
    for (const [i, li] of items.entries()) li.setAttribute('aria-selected', String(i === activeSuggestion));
    searchInput.setAttribute('aria-activedescendant', items[activeSuggestion]!.id);
  } else if (e.key === 'Escape') {
    closeSuggestions();
  } else if (e.key === 'Enter' && activeSuggestion >= 0 && items[activeSuggestion]) {
    e.preventDefault();
    pick(items[activeSuggestion]!.dataset.slug!);
  }
});
searchInput.addEventListener('blur', () => window.setTimeout(closeSuggestions, 150));

searchForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = searchInput.value.trim();
  if (!text) return;
  const { search } = await request(Search, { text });
  if (search[0]) pick(search[0].entity.slug);
  else setStatus(`Nothing found for "${text}".`);
});

// --- path finder ----------------------------------------------------------------------------

async function findPath(from: string, to: string): Promise<void> {
  setStatus(`Looking for a path from ${from} to ${to}…`);
  const { shortestPath } = await request(ShortestPath, { from, to });
  state.from = from;
  state.to = to;
  writeUrl();
  if (!shortestPath) {
    view.highlightPath([], []);
    setStatus(`No path from ${from} to ${to} within 6 hops.`);
    return;
  }
  const nodes = toNodes(shortestPath.nodes);
  // Framing before the layout has placed the new nodes would zoom onto them piled up.
  // Highlighted before and after `add`: with nothing new to place, `add` settles at once and
  // frames what is highlighted then; new nodes and edges exist only after it.
  framePathWhenSettled = true;
  view.highlightPath(
    nodes.map((n) => n.slug),
    shortestPath.relationships.map((r) => r.id),
  );
  view.add(nodes, toEdges(shortestPath.relationships), state.focus || undefined);
  view.highlightPath(
    nodes.map((n) => n.slug),
    shortestPath.relationships.map((r) => r.id),
  );
  refreshLists();
  const route = shortestPath.nodes.map((n) => n.name).join(' → ');
  setStatus(`Path (${shortestPath.length} hops): ${route}`);
  panel.replaceChildren(
    el('p', { className: 'kicker' }, 'Shortest path'),
    el(
      'ol',
      { className: 'path-list' },
      ...shortestPath.nodes.map((n) =>
        el(
          'li',
          {},
          el('button', { type: 'button', className: 'linklike', onclick: () => void select(n.slug) }, n.name),
          ' ',
          kindBadge(n.entityKind as Kind),
        ),
      ),
    ),
  );
}

pathForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void findPath(pathFrom.value.trim(), pathTo.value.trim()).catch((error: Error) =>
    setStatus(`Path search failed: ${error.message}`),
  );
});

// --- start ----------------------------------------------------------------------------------

window.addEventListener('unhandledrejection', (e) =>
  setStatus(`Something failed: ${(e.reason as Error)?.message ?? e.reason}`),
);

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const focusSlug = params.get('focus');
  if (focusSlug) {
    await focus(focusSlug);
    const selected = params.get('selected');
    if (selected) await select(selected, true);
    const from = params.get('from');
    const to = params.get('to');
    if (from && to) {
      pathFrom.value = from;
      pathTo.value = to;
      await findPath(from, to);
    }
    const source = params.get('source');
    if (source) await showSource(source);
  } else {
    setStatus('Search for an entity to start.');
  }
  document.body.dataset.ready = 'true';
}

void start().catch((error: Error) => {
  setStatus(`Could not load: ${error.message}`);
  document.body.dataset.ready = 'true';
});
