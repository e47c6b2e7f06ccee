/**
 * The raw contender's statements: for each workload of bench/workloads.ts, the one Cypher
 * statement a careful developer would write by hand for that page, and how its rows become the
 * JSON stargraph answers with. Written for the indexes in cypher/schema/: `Company(name)` for
 * pages of companies by name (a range seek from the cursor, read in order), `Entity(slug)` for
 * lookups, `Deal(valueUsd)` for the value range read backwards; relationship pages are cut per
 * parent inside `CALL` subqueries (ORDER BY + LIMIT per level, a top-k, not a full sort), and
 * counts read the degree store (`COUNT { (c)-[:T]->() }` with no far label). Relationship
 * patterns name no far label: the model (src/graph/model.ts) gives each of these types one
 * label at each end and writes check it, so the label test would only cost a db hit per row.
 *
 * Order everywhere is the one both other servers use: name, then id (value desc, then id desc
 * for deals by value).
 */

import neo4j from 'neo4j-driver';

type Json = Record<string, unknown>;

export interface RawStatement {
  /** The statement; null when the request needs no database (the floor). */
  cypher: string | null;
  /** Request variables → statement parameters (page sizes as driver integers: a JS number is sent as a float, which LIMIT refuses). */
  params: (variables: Json) => Json;
  /** Rows (record.toObject()) → the `data` of the answer. */
  shape: (rows: Json[], variables: Json) => Json;
}

const size = (value: unknown, fallback: number): number => (Number.isInteger(value) ? (value as number) : fallback);
const int = (value: unknown, fallback: number) => neo4j.int(size(value, fallback));

/** An opaque keyset cursor: the last row's [name, id]. */
const encodeCursor = (key: unknown[]) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
function decodeCursor(cursor: unknown): [string, string] {
  if (typeof cursor !== 'string') return ['', ''];
  const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (!Array.isArray(key) || key.length !== 2 || !key.every((k) => typeof k === 'string'))
    throw new Error('bad cursor');
  return key as [string, string];
}

/** First companies by (name, id) after a cursor: the name index read in order from the cursor on. */
const COMPANIES_PAGE = `
  MATCH (c:Company) USING INDEX c:Company(name)
  WHERE c.name >= $afterName AND (c.name > $afterName OR c.id > $afterId)
  WITH c ORDER BY c.name, c.id LIMIT $fetch`;

/**
 * Companies → deals → parties → leaders, each level a top-k inside its own subquery. Deals of
 * a company and parties of a deal are sorted within that parent only.
 */
const NESTED = `${COMPANIES_PAGE.replace('$fetch', '$companies')}
  CALL (c) {
    MATCH (c)-[r:PARTY_TO]->(d)
    WITH r, d ORDER BY d.name, d.id LIMIT $deals
    CALL (d) {
      MATCH (d)<-[r2:PARTY_TO]-(p)
      WITH r2, p ORDER BY p.name, p.id LIMIT $parties
      CALL (p) {
        MATCH (p)<-[r3:LEADS]-(l)
        WITH r3, l ORDER BY l.name, l.id LIMIT $leaders
        RETURN collect({ title: r3.title, node: { slug: l.slug, name: l.name } }) AS leaders
      }
      RETURN collect({ role: r2.role, node: { slug: p.slug, name: p.name, leaders: { edges: leaders } } }) AS parties
    }
    RETURN collect({ role: r.role, node: { slug: d.slug, name: d.name, valueUsd: d.valueUsd, parties: { edges: parties } } }) AS deals
  }
  RETURN { node: { slug: c.slug, name: c.name, deals: { edges: deals } } } AS edge`;

const nestedParams = (v: Json) => ({
  afterName: '',
  afterId: '',
  companies: int(v.companies, 20),
  deals: int(v.deals, 5),
  parties: int(v.parties, 5),
  leaders: int(v.leaders, 3),
});

export const RAW_STATEMENTS: Record<string, RawStatement> = {
  floor: {
    cypher: null,
    params: () => ({}),
    shape: () => ({ __typename: 'Query' }),
  },

  page: {
    cypher: `${COMPANIES_PAGE}
      RETURN { node: { slug: c.slug, name: c.name } } AS edge`,
    params: (v) => ({ afterName: '', afterId: '', fetch: int(v.first, 20) }),
    shape: (rows) => ({ companies: { edges: rows.map((r) => r.edge) } }),
  },

  nested: {
    cypher: NESTED,
    params: nestedParams,
    shape: (rows) => ({ companies: { edges: rows.map((r) => r.edge) } }),
  },

  /** One page after a cursor; one row more than asked tells whether there is a next page. */
  paging: {
    cypher: `${COMPANIES_PAGE}
      RETURN { node: { slug: c.slug, name: c.name } } AS edge, [c.name, c.id] AS key`,
    params: (v) => {
      const [afterName, afterId] = decodeCursor(v.after);
      return { afterName, afterId, fetch: int(size(v.first, 20) + 1, 21) };
    },
    shape: (rows, v) => {
      const first = size(v.first, 20);
      const page = rows.slice(0, first);
      const last = page.at(-1);
      return {
        companies: {
          edges: page.map((r) => r.edge),
          pageInfo: { endCursor: last ? encodeCursor(last.key as unknown[]) : null, hasNextPage: rows.length > first },
        },
      };
    },
  },

  /** The unique slug index, then four counts from the degree store. */
  'by-slug': {
    cypher: `
      MATCH (c:Entity { slug: $slug }) WHERE c:Company
      RETURN { slug: c.slug, name: c.name,
               deals: { totalCount: COUNT { (c)-[:PARTY_TO]->() } },
               leaders: { totalCount: COUNT { (c)<-[:LEADS]-() } },
               projects: { totalCount: COUNT { (c)-[:PARTICIPATES_IN]->() } },
               datacenters: { totalCount: COUNT { (c)-[:OPERATES]->() } } } AS entity`,
    params: (v) => ({ slug: v.slug }),
    shape: (rows) => ({ entity: rows[0]?.entity ?? null }),
  },

  /** The value index read backwards over the range, ties by id. */
  filter: {
    cypher: `
      MATCH (d:Deal) WHERE d.valueUsd >= $gte AND d.valueUsd <= $lte
      WITH d ORDER BY d.valueUsd DESC, d.id DESC LIMIT $first
      RETURN { node: { slug: d.slug, name: d.name, valueUsd: d.valueUsd } } AS edge`,
    params: (v) => ({ gte: v.gte, lte: v.lte, first: int(v.first, 20) }),
    shape: (rows) => ({ deals: { edges: rows.map((r) => r.edge) } }),
  },

  /** A hub's three counts and its first deals (top-k of thousands) with their first parties. */
  'hub-page': {
    cypher: `
      MATCH (c:Entity { slug: $slug }) WHERE c:Company
      CALL (c) {
        MATCH (c)-[r:PARTY_TO]->(d)
        WITH r, d ORDER BY d.name, d.id LIMIT $deals
        CALL (d) {
          MATCH (d)<-[r2:PARTY_TO]-(p)
          WITH r2, p ORDER BY p.name, p.id LIMIT $parties
          RETURN collect({ role: r2.role, node: { slug: p.slug, name: p.name } }) AS parties
        }
        RETURN collect({ role: r.role, node: { slug: d.slug, name: d.name, valueUsd: d.valueUsd, parties: { edges: parties } } }) AS deals
      }
      RETURN { slug: c.slug, name: c.name,
               deals: { totalCount: COUNT { (c)-[:PARTY_TO]->() }, edges: deals },
               leaders: { totalCount: COUNT { (c)<-[:LEADS]-() } },
               projects: { totalCount: COUNT { (c)-[:PARTICIPATES_IN]->() } } } AS entity`,
    params: (v) => ({ slug: v.slug, deals: int(v.deals, 20), parties: int(v.parties, 5) }),
    shape: (rows) => ({ entity: rows[0]?.entity ?? null }),
  },

  /**
   * Companies with a deal of at least $min that a cloud provider is party to, by name; for each,
   * the count, sum and max of its deals of at least $min (the deal value index is not used: the
   * filter tests relationships, so companies are scanned in name order until the page is full).
   */
  analyst: {
    cypher: `
      MATCH (c:Company) USING INDEX c:Company(name) WHERE c.name IS NOT NULL
        AND EXISTS { MATCH (c)-[:PARTY_TO]->(d) WHERE d.valueUsd >= $min AND EXISTS { MATCH (d)<-[:PARTY_TO]-(p) WHERE p.kind = 'CLOUD_PROVIDER' } }
      WITH c ORDER BY c.name, c.id LIMIT $first
      CALL (c) {
        MATCH (c)-[:PARTY_TO]->(d) WHERE d.valueUsd >= $min
        RETURN count(*) AS count, sum(d.valueUsd) AS sum, max(d.valueUsd) AS max
      }
      RETURN { node: { slug: c.slug, name: c.name, deals: { aggregate: { count: count, valueUsd: { sum: sum, max: max } } } } } AS edge`,
    params: (v) => ({ min: v.min, first: int(v.first, 20) }),
    shape: (rows) => ({ companies: { edges: rows.map((r) => r.edge) } }),
  },
};
