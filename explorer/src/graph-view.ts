/**
 * The graph on screen, with Cytoscape.js: canvas rendering (works without a GPU, on phones and
 * in headless browsers), shapes, colours, edge labels and widths from one stylesheet, and a
 * force layout (cose) that runs in a worker and settles without blocking input.
 */
import cytoscape, { type Core, type ElementDefinition, type EventObject } from 'cytoscape';
import type { LayoutRequest, LayoutResult } from './layout.worker.js';

export type Kind = 'PERSON' | 'COMPANY' | 'PROJECT' | 'DATACENTER' | 'DEAL';

export interface GraphNode {
  slug: string;
  name: string;
  entityKind: Kind;
  valueUsd?: number | null;
}

export interface GraphEdge {
  id: string;
  type: string;
  from: string;
  to: string;
  role?: string | null;
  title?: string | null;
  /** The relationship's claim: what the provenance panel shows when the edge is clicked. */
  claimId?: string | null;
  /** Money on the edge or on the deal it joins: sets the width. */
  valueUsd?: number | null;
}

export const KIND_STYLE: Record<Kind, { color: string; shape: string }> = {
  PERSON: { color: '#c2334d', shape: 'ellipse' },
  COMPANY: { color: '#1f4fd1', shape: 'round-rectangle' },
  PROJECT: { color: '#23783a', shape: 'diamond' },
  DATACENTER: { color: '#7b3fa0', shape: 'hexagon' },
  DEAL: { color: '#a04f00', shape: 'round-triangle' },
};

/** 1 px for no money, up to 9 px for a few hundred billion (log scale). */
export function edgeWidth(valueUsd: number | null | undefined): number {
  if (!valueUsd || valueUsd <= 0) return 1.5;
  return Math.min(9, Math.max(2, 2 + 1.6 * Math.log10(valueUsd / 1e8)));
}

export interface GraphViewEvents {
  select(slug: string): void;
  expand(slug: string): void;
  selectEdge(edgeId: string, claimId: string | null): void;
}

export class GraphView {
  readonly cy: Core;
  private layout: cytoscape.Layouts | null = null;
  private readonly layoutWorker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  private layoutRequest = 0;
  private hiddenTypes = new Set<string>();
  /** Count of layouts that have settled (tests and the page wait on it). */
  settled = 0;
  onSettled?: (count: number) => void;

  constructor(container: HTMLElement, events: GraphViewEvents) {
    this.cy = cytoscape({
      container,
      minZoom: 0.1,
      maxZoom: 3,
      // Pan and zoom move a cached bitmap and skip edges while moving: smooth at hundreds of nodes.
      textureOnViewport: true,
      hideEdgesOnViewport: true,
      pixelRatio: 1,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(name)',
            'background-color': 'data(color)',
            shape: 'data(shape)' as never,
            width: 28,
            height: 28,
            'font-size': 11,
            'font-family': 'system-ui, sans-serif',
            color: '#111',
            'text-valign': 'bottom',
            'text-margin-y': 4,
            'text-wrap': 'ellipsis',
            'text-max-width': '140px',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            'text-background-padding': '1px',
            'min-zoomed-font-size': 7,
            'border-width': 2,
            'border-color': '#fff',
          },
        },
        { selector: 'node.focus', style: { width: 40, height: 40, 'font-weight': 'bold' } },
        { selector: 'node:selected', style: { 'border-color': '#ffb000', 'border-width': 5 } },
        {
          selector: 'edge:selected',
          style: { 'line-color': '#ffb000', 'target-arrow-color': '#ffb000', 'z-index': 20, 'font-weight': 'bold' },
        },
        {
          selector: 'edge',
          style: {
            width: 'data(width)',
            'line-color': '#8a94a6',
            'target-arrow-color': '#8a94a6',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 9,
            color: '#333',
            'text-rotation': 'autorotate',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            'min-zoomed-font-size': 8,
          },
        },
        {
          selector: '.path',
          style: {
            'line-color': '#ff7a00',
            'target-arrow-color': '#ff7a00',
            'border-color': '#ff7a00',
            'border-width': 5,
            'z-index': 10,
          },
        },
        { selector: 'edge.path', style: { width: 6 } },
        { selector: '.filtered', style: { display: 'none' } },
      ],
    });
    this.layoutWorker.onmessage = (e: MessageEvent<LayoutResult>) => this.applyLayout(e.data);
    this.cy.on('tap', 'node', (e: EventObject) => events.select(e.target.id()));
    this.cy.on('dbltap', 'node', (e: EventObject) => events.expand(e.target.id()));
    this.cy.on('tap', 'edge', (e: EventObject) =>
      events.selectEdge(e.target.id(), (e.target.data('claimId') as string | undefined) ?? null),
    );
  }

  has(slug: string): boolean {
    return this.cy.getElementById(slug).nonempty();
  }

  clear(): void {
    this.layout?.stop();
    this.cy.elements().remove();
  }

  /** Adds what is new (new nodes start where `near` is) and lays the whole graph out again. */
  add(nodes: GraphNode[], edges: GraphEdge[], near?: string): { added: number } {
    const elements = this.newElements(nodes, edges, near);
    this.cy.add(elements);
    if (elements.length > 0) this.runLayout();
    else this.onSettled?.(++this.settled); // nothing new: already settled
    return { added: elements.filter((e) => e.group === 'nodes').length };
  }

  /**
   * Makes the graph exactly `nodes` and `edges` (the view re-read at another date): what is
   * gone is removed, what is new is added near the focus, what stays keeps its place and takes
   * the labels and widths of that date.
   */
  replaceAll(nodes: GraphNode[], edges: GraphEdge[]): { added: number; removed: number } {
    const keep = new Set([...nodes.map((n) => n.slug), ...edges.map((e) => e.id)]);
    const gone = this.cy.elements().filter((element) => !keep.has(element.id()));
    const removed = gone.nodes().length;
    this.layout?.stop();
    gone.remove();
    for (const e of edges) this.cy.getElementById(e.id).data(this.edgeData(e));
    const elements = this.newElements(nodes, edges, this.cy.nodes('.focus').first().id() || undefined);
    this.cy.add(elements);
    if (elements.length > 0 || gone.nonempty()) this.runLayout();
    else this.onSettled?.(++this.settled);
    return { added: elements.filter((e) => e.group === 'nodes').length, removed };
  }

  private edgeData(e: GraphEdge): Record<string, unknown> {
    const label = e.role ? `${e.type} (${e.role})` : e.title ? `${e.type} (${e.title})` : e.type;
    return { label, width: edgeWidth(e.valueUsd), claimId: e.claimId ?? null };
  }

  /** The nodes and edges not on screen yet; an edge only when both its ends will be. */
  private newElements(nodes: GraphNode[], edges: GraphEdge[], near?: string): ElementDefinition[] {
    const origin = near ? this.cy.getElementById(near) : null;
    const at = origin?.nonempty() ? origin.position() : { x: 0, y: 0 };
    const elements: ElementDefinition[] = [];
    for (const n of nodes) {
      if (this.has(n.slug)) continue;
      const style = KIND_STYLE[n.entityKind];
      elements.push({
        group: 'nodes',
        data: { id: n.slug, name: n.name, kind: n.entityKind, color: style.color, shape: style.shape },
        position: { x: at.x + (Math.random() - 0.5) * 80, y: at.y + (Math.random() - 0.5) * 80 },
      });
    }
    const known = new Set([...nodes.map((n) => n.slug), ...this.cy.nodes().map((n) => n.id())]);
    for (const e of edges) {
      if (this.cy.getElementById(e.id).nonempty() || !known.has(e.from) || !known.has(e.to)) continue;
      elements.push({
        group: 'edges',
        data: { id: e.id, source: e.from, target: e.to, type: e.type, ...this.edgeData(e) },
        classes: this.hiddenTypes.has(e.type) ? 'filtered' : '',
      });
    }
    return elements;
  }

  /**
   * Force layout from the current positions, computed in a worker (layout.worker.ts) so input
   * never waits for it; the nodes then glide to where it settled.
   */
  runLayout(): void {
    const id = ++this.layoutRequest;
    this.layoutWorker.postMessage({
      id,
      nodes: this.cy.nodes().map((n) => ({ id: n.id(), ...n.position() })),
      edges: this.cy.edges().map((e) => ({ id: e.id(), source: e.source().id(), target: e.target().id() })),
    } satisfies LayoutRequest);
  }

  private applyLayout({ id, positions }: LayoutResult): void {
    if (id !== this.layoutRequest) return; // a newer layout is on its way
    this.layout?.stop();
    const count = this.cy.nodes().length;
    this.layout = this.cy.layout({
      name: 'preset',
      positions: (node: cytoscape.NodeSingular) => positions[node.id()] ?? node.position(),
      // Gliding hundreds of nodes costs a render per frame; big graphs jump to place instead.
      animate: count < 150,
      animationDuration: 350,
      fit: true,
      padding: 30,
    } as cytoscape.LayoutOptions);
    // A handful of nodes would otherwise be fitted at a giant zoom.
    this.layout.one('layoutstop', () => {
      if (this.cy.zoom() > 1.3)
        this.cy.zoom({ level: 1.3, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
      this.settled += 1;
      this.onSettled?.(this.settled);
    });
    this.layout.run();
  }

  select(slug: string): void {
    this.cy.$(':selected').unselect();
    const node = this.cy.getElementById(slug);
    if (node.nonempty()) node.select();
  }

  setFocus(slug: string): void {
    this.cy.nodes('.focus').removeClass('focus');
    this.cy.getElementById(slug).addClass('focus');
  }

  highlightPath(slugs: string[], edgeIds: string[]): void {
    this.cy.elements('.path').removeClass('path');
    for (const id of [...slugs, ...edgeIds]) this.cy.getElementById(id).addClass('path');
  }

  pathElements(): string[] {
    return this.cy.elements('.path').map((e) => e.id());
  }

  /** Shows only relationships whose type is not in `hidden`. */
  filterTypes(hidden: Set<string>): void {
    this.hiddenTypes = hidden;
    this.cy.batch(() => {
      this.cy.edges().forEach((edge) => {
        edge.toggleClass('filtered', hidden.has(edge.data('type') as string));
      });
    });
  }

  types(): string[] {
    return [...new Set(this.cy.edges().map((e) => e.data('type') as string))].sort();
  }

  visibleNodes(): Array<{ slug: string; name: string; kind: Kind }> {
    return this.cy.nodes().map((n) => ({ slug: n.id(), name: n.data('name') as string, kind: n.data('kind') as Kind }));
  }

  visibleEdges(): Array<{ id: string; from: string; to: string; label: string; claimId: string | null }> {
    return this.cy
      .edges()
      .filter((e) => !e.hasClass('filtered'))
      .edges()
      .map((e) => ({
        id: e.id(),
        from: e.source().id(),
        to: e.target().id(),
        label: e.data('label') as string,
        claimId: (e.data('claimId') as string | null) ?? null,
      }));
  }

  nameOf(slug: string): string {
    return (this.cy.getElementById(slug).data('name') as string | undefined) ?? slug;
  }
}
