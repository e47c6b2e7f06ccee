/**
 * Pages read in index order need a (property, id) index for every ordering that claims one: a
 * root page would silently sort instead, and a hub's relationship page names the index in a
 * `USING INDEX` hint, which Neo4j refuses outright when the index is missing.
 */
import { describe, expect, it } from 'vitest';
import { schemaStatements } from '../../src/neo4j/migrate.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import { relationshipOrdering } from '../../src/graph/relationship-loaders.js';
import { orderingBy, orderingsOf, ROOT_CONNECTIONS } from '../../src/graph/root-connections.js';

const statements = schemaStatements().map((s) => s.replace(/\s+/g, ' '));
const hasIndex = (label: string, property: string) =>
  statements.some((s) => s.includes(`FOR (n:${label}) ON (n.${property}, n.id)`) && s.startsWith('CREATE INDEX'));

describe('indexes behind ordered pages', () => {
  it('has a (property, id) index for every root ordering read in index order', () => {
    const needed: string[] = [];
    for (const spec of Object.values(ROOT_CONNECTIONS)) {
      for (const [field, keys] of Object.entries(spec.orderings)) {
        // Nullable keys are read in index order too, once a range filter requires the property.
        if (keys[0]!.property) needed.push(`${spec.label}.${keys[0]!.property}`);
        const { indexed } = orderingBy(spec.label, spec.orderings, { field });
        if (indexed) expect(indexed).toBe(keys[0]!.property);
      }
    }
    expect(needed).toContain('Company.name');
    expect(needed).toContain('Deal.valueUsd');
    expect(needed.filter((n) => !hasIndex(...(n.split('.') as [string, string])))).toEqual([]);
  });

  it('has the far label index every relationship page of a hub names in its hint', () => {
    const missing: string[] = [];
    for (const rel of TYPED_RELATIONSHIPS) {
      const orderings = [relationshipOrdering(rel), ...Object.keys(rel.nodeLabel === 'Source' ? {} : orderingsOf(rel.nodeLabel)).map((field) => relationshipOrdering(rel, { field }))];
      for (const ordering of orderings) {
        if (ordering.indexed && !hasIndex(rel.nodeLabel, ordering.indexed)) missing.push(`${rel.parentType}.${rel.fieldName} → ${rel.nodeLabel}.${ordering.indexed}`);
      }
    }
    expect(missing).toEqual([]);
    // Name order by default, for every field whose far nodes are entities.
    expect(relationshipOrdering(TYPED_RELATIONSHIPS.find((r) => r.fieldName === 'leaders')!).indexed).toBe('name');
  });
});
