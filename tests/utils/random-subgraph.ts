import { seededRandom } from '../../src/graph/algorithms.js';
import type { EntityRow } from '../../src/graph/entities.js';
import type { RelationshipRow } from '../../src/graph/rows.js';

/**
 * `n` companies and `m` relationships with hubs (one end of each drawn towards low ids), seeded,
 * for the algorithms' tests and bench. `names` of them are distinct (default: all), so ties by
 * name go by id when fewer.
 */
export function randomSubgraph(n: number, m: number, options: { seed?: number; names?: number } = {}) {
  const random = seededRandom(options.seed ?? n);
  const names = options.names ?? n;
  const nodes = Array.from(
    { length: n },
    (_, i): EntityRow => ({
      id: `e${i}`,
      slug: `e${i}`,
      name: `E${i % names}`,
      description: null,
      aliases: [],
      createdAt: null,
      updatedAt: null,
      label: 'Company',
    }),
  );
  const relationships = Array.from(
    { length: m },
    (_, i): RelationshipRow => ({
      id: `r${i}`,
      type: 'INVESTS_IN',
      from: `e${Math.floor(random() * n)}`,
      to: `e${Math.floor(random() ** 3 * n)}`,
      properties: {},
    }),
  );
  return { nodes, relationships };
}
