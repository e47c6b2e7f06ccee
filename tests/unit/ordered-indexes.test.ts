/**
 * Pages read in index order need an index for every ordering that claims one: a root page would
 * silently sort without its (property, id) index, and a relationship page by name names its
 * page-key index in a `USING INDEX SEEK` hint, which Neo4j refuses outright when the index is missing.
 */
import { describe, expect, it } from 'vitest';
import { schemaStatements } from '../../src/neo4j/migrate.js';
import { TYPED_RELATIONSHIPS } from '../../src/graph/model.js';
import { relationshipOrdering } from '../../src/graph/ordering.js';
import { keyedPage } from '../../src/graph/hub-pages.js';
import { withoutPageKeys } from '../../src/graph/page-keys.js';
import { planPage } from '../../src/graph/paging.js';
import { orderingBy, orderingsOf } from '../../src/graph/ordering.js';
import { ROOT_CONNECTIONS } from '../../src/graph/root-connections.js';

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

  it('has the page-key index every relationship page by name names in its hint', () => {
    const hinted: string[] = [];
    const missing: string[] = [];
    for (const rel of TYPED_RELATIONSHIPS) {
      const orderings = [
        relationshipOrdering(rel),
        ...Object.keys(rel.nodeLabel === 'Source' ? {} : orderingsOf(rel.nodeLabel)).map((field) =>
          relationshipOrdering(rel, { field }),
        ),
      ];
      for (const ordering of orderings) {
        for (const page of [planPage({ first: 3 }, ordering, 100), planPage({ last: 3 }, ordering, 100)]) {
          const cypher = keyedPage({
            parent: 'p',
            rel: 'r',
            node: 'n',
            relationship: rel,
            ordering,
            page,
            filtered: false,
            cursorParam: 'c',
            fetchParam: 'f',
          });
          const hint = cypher?.match(/USING INDEX SEEK r:(\w+)\(([^)]*)\)/);
          if (!cypher) continue;
          expect(hint).not.toBeNull();
          const [, type, properties] = hint!;
          hinted.push(`${rel.parentType}.${rel.fieldName}`);
          const on = properties!
            .split(', ')
            .map((p) => `r.${p}`)
            .join(', ');
          if (!statements.some((s) => s.startsWith('CREATE INDEX') && s.includes(`FOR ()-[r:${type}]-() ON (${on})`)))
            missing.push(`${rel.parentType}.${rel.fieldName}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // Every field whose far nodes are of one entity kind reads its pages by name from the index.
    const oneKind = TYPED_RELATIONSHIPS.filter((r) => r.nodeLabel !== 'Entity' && r.nodeLabel !== 'Source').map(
      (r) => `${r.parentType}.${r.fieldName}`,
    );
    expect([...new Set(hinted)].sort()).toEqual([...new Set(oneKind)].sort());
  });
});

describe('page keys', () => {
  it('are left out of the relationship properties users see', () => {
    const stored = {
      title: 'CEO',
      since: '2020-01-01',
      fromId: 'a',
      fromLabel: 'Person',
      fromName: 'Ada',
      toId: 'b',
      toLabel: 'Company',
      toName: 'Acme',
    };
    expect(withoutPageKeys(stored)).toEqual({ title: 'CEO', since: '2020-01-01' });
  });
});
