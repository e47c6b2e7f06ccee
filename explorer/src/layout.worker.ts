/**
 * The force layout (Cytoscape's cose, on a headless Cytoscape) off the main thread: the page
 * stays responsive to input while hundreds of nodes are laid out. Gets node positions and
 * edges, answers the settled positions.
 */
import cytoscape from 'cytoscape';

export interface LayoutRequest {
  id: number;
  nodes: Array<{ id: string; x: number; y: number }>;
  edges: Array<{ id: string; source: string; target: string }>;
}

export interface LayoutResult {
  id: number;
  positions: Record<string, { x: number; y: number }>;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const cy = cytoscape({
    headless: true,
    styleEnabled: true,
    style: [{ selector: 'node', style: { width: 30, height: 30 } }],
    elements: [
      ...nodes.map((n) => ({ group: 'nodes' as const, data: { id: n.id }, position: { x: n.x, y: n.y } })),
      ...edges.map((e) => ({ group: 'edges' as const, data: { id: e.id, source: e.source, target: e.target } })),
    ],
  });
  const count = nodes.length;
  const layout = cy.layout({
    name: 'cose',
    animate: false,
    randomize: false,
    fit: false,
    numIter: count > 300 ? 250 : count > 100 ? 500 : 1000,
    idealEdgeLength: () => 100,
    // A small view is pushed further apart: its edge labels need the room, and it still fits.
    nodeRepulsion: () => (count < 30 ? 160000 : 40000),
    nodeOverlap: 20,
    gravity: 0.4,
    componentSpacing: 80,
  } as cytoscape.LayoutOptions);
  layout.one('layoutstop', () => {
    const positions: LayoutResult['positions'] = {};
    cy.nodes().forEach((n) => {
      positions[n.id()] = n.position();
    });
    (self as unknown as Worker).postMessage({ id, positions } satisfies LayoutResult);
    cy.destroy();
  });
  layout.run();
};
