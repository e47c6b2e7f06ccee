/**
 * The explorer page: search with suggestions, a neighbourhood graph that expands on demand, a
 * side panel with properties, relationships and sources, a provenance panel (who says so, since
 * when), a time slider that re-reads the whole view as of a day, a path finder, relationship
 * filters, a text view of everything visible, and the view in the URL
 * (?focus=&selected=&from=&to=&asOf=; ?search= runs a search, as the review page links new names).
 * Everything comes from the public GraphQL API at /graphql.
 */
import { type DetailsActions, type MergeNote, renderDetails } from './details.js';
import { byId as $, el, kindBadge, longDate, todayIso } from './dom.js';
import { GraphView, type GraphEdge, type GraphNode, type Kind } from './graph-view.js';
import { GraphQLRequestError, request, type ResultOf } from './graphql.js';
import { ProvenancePanel } from './provenance.js';
import {
  EntityDetails,
  EntityMerges,
  MergeEntities,
  Neighborhood,
  Search,
  ShortestPath,
  SourceDetails,
  Suggest,
  UnmergeEntities,
} from './queries.js';
import { TimeSlider } from './timeline.js';
import { write } from './token.js';

const NEIGHBOURS_PER_EXPANSION = 200;
/**
 * A focus shows two hops: companies meet through deals and projects (OpenAI → a deal → Oracle),
 * so one hop would show the deals but not who is on the other side. An expansion adds one hop.
 */
const FOCUS_DEPTH = 2;

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
const emptyView = $<HTMLParagraphElement>('empty-view');

const state = {
  focus: '',
  selected: '',
  from: '',
  to: '',
  hiddenTypes: new Set<string>(),
  /** Entities whose neighbours were added: re-read with the focus when the date moves. */
  expanded: new Set<string>(),
  /** A merge to note over the entity kept: opened on the merged slug, or merged just now. */
  merge: null as (MergeNote & { keptSlug: string }) | null,
};
// A click selects a node; a click on the selected node (or a double-click) expands it.
const view = new GraphView(graphEl, {
  select: (slug) => void (state.selected === slug ? expand(slug) : select(slug)),
  expand: (slug) => void expand(slug),
  selectEdge: (edgeId, claimId) => {
    view.cy.$(':selected').unselect();
    view.cy.getElementById(edgeId).select();
    if (claimId) void provenance.showClaim(claimId, day());
  },
});
const provenance = new ProvenancePanel($<HTMLElement>('provenance'), {
  showSource: (id) => void showSource(id),
  select: (slug) => void select(slug, true),
});
const timeline = new TimeSlider((asOf) => void reloadAt(asOf));
/** The slider's day for every read: undefined-free, null = today. */
const asOf = () => timeline.asOf;
/** The day the view shows, as an ISO date (today when no `asOf`). */
const day = () => timeline.asOf ?? todayIso();
const onDay = () => (timeline.asOf ? `on ${longDate(timeline.asOf)}` : 'today');

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
/** Names seen so far by slug: an entity gone at the slider's day is still named. */
const names = new Map<string, string>();
const nameFor = (slug: string) => names.get(slug) ?? slug;

function setStatus(text: string): void {
  statusEl.textContent = text;
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
  if (timeline.asOf) params.set('asOf', timeline.asOf);
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

// --- graph data -----------------------------------------------------------------------------

type Subgraph = ResultOf<typeof Neighborhood>['neighborhood'];
type Rel = Subgraph['relationships'][number];
type Ent = Subgraph['nodes'][number];

function toNodes(nodes: readonly Ent[]): GraphNode[] {
  return nodes.map((n) => {
    const valueUsd = 'valueUsd' in n ? (n.valueUsd ?? null) : null;
    if (valueUsd) dealValues.set(n.slug, valueUsd);
    names.set(n.slug, n.name);
    return { slug: n.slug, name: n.name, entityKind: n.entityKind as Kind, valueUsd };
  });
}

function toEdges(relationships: readonly Rel[]): GraphEdge[] {
  return relationships.map((r) => ({
    id: r.id,
    claimId: r.claimId,
    type: r.type,
    from: r.from.slug,
    to: r.to.slug,
    role: r.role,
    title: r.title,
    valueUsd: r.amountUsd ?? r.committedUsd ?? dealValues.get(r.to.slug) ?? dealValues.get(r.from.slug) ?? null,
  }));
}

/** An entity's neighbours at the slider's day; none when the entity does not exist then. */
async function neighbours(slug: string, depth: number): Promise<Subgraph | null> {
  const { neighborhood } = await request(Neighborhood, {
    id: slug,
    depth,
    limit: NEIGHBOURS_PER_EXPANSION,
    asOf: asOf(),
  }).catch((error: Error) => {
    if (error instanceof GraphQLRequestError && error.codes.includes('NOT_FOUND')) return { neighborhood: null };
    throw error;
  });
  return neighborhood && neighborhood.nodes.length > 0 ? neighborhood : null;
}

async function focus(slug: string): Promise<void> {
  setStatus(`Loading ${slug}…`);
  const neighborhood = await neighbours(slug, FOCUS_DEPTH);
  view.clear();
  state.focus = slug;
  state.from = state.to = '';
  state.expanded.clear();
  void timeline.loadMarks(slug).catch((error: Error) => setStatus(`Timeline failed: ${error.message}`));
  if (!neighborhood) {
    refreshLists();
    showEmptyView();
    setStatus(`"${slug}" is not in the graph ${onDay()}: move the time slider to see it.`);
    await select(slug);
    return;
  }
  view.add(toNodes(neighborhood.nodes), toEdges(neighborhood.relationships));
  showEmptyView();
  view.setFocus(slug);
  refreshLists();
  const more = neighborhood.truncated ? ' (more not shown)' : '';
  setStatus(
    `${neighborhood.nodes.length} entities around ${view.nameOf(slug)} ${onDay()}${more}. ` +
      'Click a node to see it, click it again (or double-click) to add its neighbours; click an edge for its sources.',
  );
  await select(slug);
}

async function expand(slug: string): Promise<void> {
  if (expanding.has(slug)) return;
  expanding.add(slug);
  setStatus(`Expanding ${view.nameOf(slug)}…`);
  const neighborhood = await neighbours(slug, 1).finally(() => expanding.delete(slug));
  if (!neighborhood) return setStatus(`${view.nameOf(slug)} has no neighbours ${onDay()}.`);
  state.expanded.add(slug);
  const { added } = view.add(toNodes(neighborhood.nodes), toEdges(neighborhood.relationships), slug);
  refreshLists();
  const more = neighborhood.truncated ? ' (more not shown)' : '';
  setStatus(`${added} new entities around ${view.nameOf(slug)}${more}; ${view.cy.nodes().length} on screen.`);
}

// --- the view at another day ----------------------------------------------------------------

/** Over an empty graph: why it is empty at this day, and when the focus next changes. */
function showEmptyView(): void {
  const empty = Boolean(state.focus) && view.cy.nodes().length === 0;
  emptyView.hidden = !empty;
  if (!empty) return;
  const next = timeline.nextChange(day());
  emptyView.textContent =
    `${nameFor(state.focus)} is not in the graph ${onDay()}: no claim says it exists then.` +
    (timeline.asOf && next ? ` The next change is on ${longDate(next)}.` : '');
}

/** Reloads never overlap: only the newest date's answer is drawn. */
let reloadRequest = 0;

/** Re-reads everything on screen (focus, expansions, path, details) as of the slider's day. */
async function reloadAt(date: string | null): Promise<void> {
  const id = ++reloadRequest;
  writeUrl();
  provenance.close();
  if (!state.focus) return;
  setStatus(`Reading the graph ${onDay()}…`);
  const centres: Array<[string, number]> = [
    [state.focus, FOCUS_DEPTH],
    ...[...state.expanded].map((slug): [string, number] => [slug, 1]),
  ];
  const [subgraphs, path] = await Promise.all([
    Promise.all(centres.map(([slug, depth]) => neighbours(slug, depth))),
    state.from && state.to ? request(ShortestPath, { from: state.from, to: state.to, asOf: date }) : null,
  ]);
  if (id !== reloadRequest) return;
  const found = [...subgraphs, path?.shortestPath ?? null].filter((g) => g !== null);
  const nodes = toNodes(found.flatMap((g) => g.nodes));
  const { added, removed } = view.replaceAll(nodes, toEdges(found.flatMap((g) => g.relationships)));
  view.setFocus(state.focus);
  showEmptyView();
  const onPath = path?.shortestPath;
  view.highlightPath(onPath?.nodes.map((n) => n.slug) ?? [], onPath?.relationships.map((r) => r.id) ?? []);
  refreshLists();
  const focusThere = subgraphs[0] !== null;
  const shown = `${view.cy.nodes().length} entities ${onDay()} (${added} appeared, ${removed} gone)`;
  setStatus(focusThere ? `${shown}.` : `${nameFor(state.focus)} is not in the graph ${onDay()}. ${shown}.`);
  const selected = state.selected && view.has(state.selected) ? state.selected : state.focus;
  await select(selected);
}

// --- side panel -----------------------------------------------------------------------------

const detailsActions: DetailsActions = {
  select: (slug) => void select(slug, true),
  expand: (slug) => void expand(slug),
  focus: (slug) => void focus(slug).then(writeUrl),
  showSource: (id) => void showSource(id),
  showClaim: (claimId) => void provenance.showClaim(claimId, day()),
  showValue: (field, label) => void provenance.showValue(state.selected, field, label, asOf(), day()),
  pathFrom: (slug) => {
    pathFrom.value = slug;
  },
  pathTo: (slug) => {
    pathTo.value = slug;
  },
  sourceHref: (id) => `?focus=${encodeURIComponent(state.focus || state.selected)}&source=${encodeURIComponent(id)}`,
  merge: async (keep, merge) => {
    const { mergeEntities: done } = await write(MergeEntities, { keep, merge });
    state.merge = { keptSlug: done.keepSlug, mergedSlug: done.mergedSlug, mergeId: done.id };
    await focus(done.keepSlug);
    writeUrl();
    setStatus(`${done.mergedSlug} was merged into ${nameFor(done.keepSlug)}.`);
  },
  undoMerge: async (mergeId) => {
    const { unmergeEntities: undone } = await write(UnmergeEntities, { mergeId });
    state.merge = null;
    await focus(undone.mergedSlug);
    writeUrl();
    setStatus(`Merge undone: ${undone.mergedSlug} and ${undone.keepSlug} are two entities again.`);
  },
};

/**
 * A slug merged away: the slug it redirects to, remembering the merge for the note over the kept
 * entity (and its undo); the slug itself otherwise.
 */
async function followMerge(slug: string): Promise<string> {
  const { entity } = await request(EntityMerges, { slug });
  if (!entity?.redirectedFrom) return slug;
  const merge = entity.merges.find((m) => m.mergedSlug === slug && !m.undoneAt);
  state.merge = { keptSlug: entity.slug, mergedSlug: slug, mergeId: merge?.id ?? null };
  return entity.slug;
}

function renderAbsent(slug: string): void {
  panel.replaceChildren(
    el('p', { className: 'kicker' }, 'Not in the graph'),
    el('h2', {}, nameFor(slug)),
    el(
      'p',
      { className: 'absent' },
      `No claim says ${nameFor(slug)} exists ${onDay()}. Move the time slider later (or to today) to see it.`,
    ),
  );
}

async function select(slug: string, addIfMissing = false): Promise<void> {
  const { entity } = await request(EntityDetails, { slug, asOf: asOf() });
  if (!entity) {
    view.select('');
    if (timeline.asOf) renderAbsent(slug);
    setStatus(timeline.asOf ? `${nameFor(slug)} is not in the graph ${onDay()}.` : `No entity "${slug}".`);
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
  names.set(slug, entity.name);
  view.select(slug);
  const note = state.merge?.keptSlug === entity.slug ? state.merge : null;
  renderDetails(panel, entity, detailsActions, note);
  markSelectedInList();
  writeUrl();
}

async function showSource(id: string): Promise<void> {
  const { node } = await request(SourceDetails, { id, asOf: asOf() });
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
    ...edges.map((e) => {
      const text = `${view.nameOf(e.from)} — ${e.label} → ${view.nameOf(e.to)} `;
      const item = el('li', { dataset: { id: e.id } }, text);
      const { claimId } = e;
      if (claimId)
        item.append(
          el(
            'button',
            { type: 'button', className: 'small', onclick: () => void provenance.showClaim(claimId, day()) },
            'sources',
          ),
        );
      return item;
    }),
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
      const { search } = await request(Suggest, { text, asOf: asOf() }, suggestAbort.signal);
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
  const { search } = await request(Search, { text, asOf: asOf() });
  if (search[0]) pick(search[0].entity.slug);
  else setStatus(`Nothing found for "${text}".`);
});

// --- path finder ----------------------------------------------------------------------------

async function findPath(from: string, to: string): Promise<void> {
  setStatus(`Looking for a path from ${from} to ${to}…`);
  const { shortestPath } = await request(ShortestPath, { from, to, asOf: asOf() });
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
  const asked = params.get('focus');
  const date = params.get('asOf');
  const searchText = params.get('search')?.trim();
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) timeline.choose(date, false);
  // Opened on a slug merged away (today's graph only): show the kept entity, saying so.
  const focusSlug = asked && !timeline.asOf ? await followMerge(asked) : asked;
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
  } else if (searchText) {
    // The review page links a name the graph does not have yet here: search for it.
    searchInput.value = searchText;
    const { search } = await request(Search, { text: searchText, asOf: asOf() });
    if (search[0]) await focus(search[0].entity.slug).then(writeUrl);
    else setStatus(`Nothing found for "${searchText}": it is not in the graph yet.`);
  } else {
    setStatus('Search for an entity to start.');
    void timeline.loadMarks(null).catch((error: Error) => setStatus(`Timeline failed: ${error.message}`));
  }
  document.body.dataset.ready = 'true';
}

void start().catch((error: Error) => {
  setStatus(`Could not load: ${error.message}`);
  document.body.dataset.ready = 'true';
});
