/**
 * The operations bench/compare.ts times, each written three times: against stargraph's API
 * (schema/schema.graphql), against the Neo4j GraphQL Library's generated API
 * (bench/baseline/typeDefs.graphql), and as a request to the raw contender's hand-written
 * statement of the same name (bench/raw/statements.ts). All ask for the same data in the same order:
 * connections on both sides (edge properties live on edges in both APIs), name-then-id order
 * wherever stargraph orders by name, the same page sizes. `digest` reduces an answer to what
 * all must agree on, and compare.ts refuses to time a workload whose digests differ.
 */

/**
 * Sends one request; throws on any error in the answer. For the GraphQL servers `query` is the
 * document; for the raw contender it is the name of its statement.
 */
export type Ask = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** One operation: one or more requests, in sequence; returns what `digest` reads. */
export type Operation = (ask: Ask) => Promise<unknown>;

export interface WorkloadParams {
  /** A hub company (most deals) for the by-slug lookup and the hub's page. */
  hubSlug: string;
  /** Deal value range (US dollars) for the filter workload. */
  valueRange: { gte: number; lte: number };
  /** Smallest deal value (US dollars) of the analyst workload. */
  analystMin: number;
}

export interface Workload {
  id: string;
  title: string;
  /** Requests per operation (deep paging sends several). */
  requests: number;
  ours: Operation;
  theirs: Operation;
  /** The same read as one hand-written statement (bench/raw/statements.ts), same answer shape as ours. */
  raw: Operation;
  /** The part of an answer every contender must return identically. */
  digest: (answer: unknown) => unknown;
}

type Json = Record<string, unknown>;
const edges = (connection: unknown): Json[] => ((connection as Json).edges as Json[]) ?? [];
const node = (edge: Json): Json => edge.node as Json;

const PAGE = 20;
const PAGES = 10;

/** Sizes of a nested page: companies → deals (role) → parties (role) → leaders (title). */
interface NestedSizes {
  companies: number;
  deals: number;
  parties: number;
  leaders: number;
}

const BY_NAME = 'sort: [{ node: { name: ASC } }, { node: { id: ASC } }]';

const nestedOurs = (n: NestedSizes) => `query {
  companies(first: ${n.companies}) { edges { node { slug name
    deals(first: ${n.deals}) { edges { role node { slug name valueUsd
      parties(first: ${n.parties}) { edges { role node { slug name
        leaders(first: ${n.leaders}) { edges { title node { slug name } } }
      } } }
    } } }
  } } }
}`;

const nestedTheirs = (n: NestedSizes) => `query {
  companiesConnection(first: ${n.companies}, sort: [{ name: ASC }, { id: ASC }]) { edges { node { slug name
    dealsConnection(first: ${n.deals}, ${BY_NAME}) { edges { properties { role } node { slug name valueUsd
      partiesConnection(first: ${n.parties}, ${BY_NAME}) { edges { properties { role } node { slug name
        leadersConnection(first: ${n.leaders}, ${BY_NAME}) { edges { properties { title } node { slug name } } }
      } } }
    } } }
  } } }
}`;

const pick = (n: Json, key: string) => n[key] ?? n[`${key}Connection`];
const role = (e: Json) => e.role ?? (e.properties as Json | undefined)?.role;
const title = (e: Json) => e.title ?? (e.properties as Json | undefined)?.title;

function nestedDigest(answer: unknown) {
  const root = answer as Json;
  return edges(root.companies ?? root.companiesConnection).map((c) => [
    node(c).slug,
    edges(pick(node(c), 'deals')).map((d) => [
      node(d).slug,
      role(d),
      node(d).valueUsd,
      edges(pick(node(d), 'parties')).map((p) => [
        node(p).slug,
        role(p),
        edges(pick(node(p), 'leaders')).map((l) => [node(l).slug, title(l)]),
      ]),
    ]),
  ]);
}

function nested(id: string, title: string, sizes: NestedSizes): Workload {
  return {
    id,
    title,
    requests: 1,
    ours: (ask) => ask(nestedOurs(sizes)),
    theirs: (ask) => ask(nestedTheirs(sizes)),
    raw: (ask) => ask('nested', { ...sizes }),
    digest: nestedDigest,
  };
}

/** The one company of a by-slug answer, whichever API it came from. */
const company = (answer: unknown): Json => {
  const root = answer as Json;
  return (root.entity ?? (root.companies as Json[])[0]) as Json;
};
const count = (c: Json, key: string) => (pick(c, key) as Json).totalCount;

export function workloads(params: WorkloadParams): Workload[] {
  return [
    {
      id: 'floor',
      title: '0. floor: `{ __typename }` (no database; HTTP + GraphQL layer only)',
      requests: 1,
      ours: (ask) => ask('query { __typename }'),
      theirs: (ask) => ask('query { __typename }'),
      raw: (ask) => ask('floor'),
      digest: (answer) => answer,
    },
    {
      id: 'page',
      title: '1. first page of 20 companies (name)',
      requests: 1,
      ours: (ask) => ask(`query { companies(first: ${PAGE}) { edges { node { slug name } } } }`),
      theirs: (ask) =>
        ask(
          `query { companiesConnection(first: ${PAGE}, sort: [{ name: ASC }, { id: ASC }]) { edges { node { slug name } } } }`,
        ),
      raw: (ask) => ask('page', { first: PAGE }),
      digest: (answer) => {
        const root = answer as Json;
        return edges(root.companies ?? root.companiesConnection).map((e) => [node(e).slug, node(e).name]);
      },
    },
    nested('nested', '2. nested: 20 companies → 5 deals → 5 parties → 3 leaders', {
      companies: PAGE,
      deals: 5,
      parties: 5,
      leaders: 3,
    }),
    {
      id: 'paging',
      title: `3. deep paging: companies pages 1→${PAGES} by cursor (first: ${PAGE})`,
      requests: PAGES,
      ours: async (ask) => {
        let after: string | null = null;
        let last: unknown;
        for (let page = 0; page < PAGES; page++) {
          const data = await ask(
            `query ($after: String) { companies(first: ${PAGE}, after: $after) { edges { node { slug name } } pageInfo { endCursor hasNextPage } } }`,
            { after },
          );
          last = data.companies;
          after = ((data.companies as Json).pageInfo as Json).endCursor as string;
        }
        return last;
      },
      theirs: async (ask) => {
        let after: string | null = null;
        let last: unknown;
        for (let page = 0; page < PAGES; page++) {
          const data = await ask(
            `query ($after: String) { companiesConnection(first: ${PAGE}, after: $after, sort: [{ name: ASC }, { id: ASC }]) { edges { node { slug name } } pageInfo { endCursor hasNextPage } } }`,
            { after },
          );
          last = data.companiesConnection;
          after = ((data.companiesConnection as Json).pageInfo as Json).endCursor as string;
        }
        return last;
      },
      raw: async (ask) => {
        let after: string | null = null;
        let last: unknown;
        for (let page = 0; page < PAGES; page++) {
          const data = await ask('paging', { first: PAGE, after });
          last = data.companies;
          after = ((data.companies as Json).pageInfo as Json).endCursor as string;
        }
        return last;
      },
      digest: (answer) => [edges(answer).map((e) => node(e).slug), ((answer as Json).pageInfo as Json).hasNextPage],
    },
    {
      id: 'by-slug',
      title: '4. one hub company by slug with relationship counts',
      requests: 1,
      ours: (ask) =>
        ask(
          `query ($slug: String!) { entity(slug: $slug) { ... on Company { slug name
             deals { totalCount } leaders { totalCount } projects { totalCount } datacenters { totalCount } } } }`,
          { slug: params.hubSlug },
        ),
      theirs: (ask) =>
        ask(
          `query ($slug: String!) { companies(where: { slug: { eq: $slug } }) { slug name
             dealsConnection { totalCount } leadersConnection { totalCount } projectsConnection { totalCount } datacentersConnection { totalCount } } }`,
          { slug: params.hubSlug },
        ),
      raw: (ask) => ask('by-slug', { slug: params.hubSlug }),
      digest: (answer) => {
        const c = company(answer);
        return [c.slug, c.name, count(c, 'deals'), count(c, 'leaders'), count(c, 'projects'), count(c, 'datacenters')];
      },
    },
    {
      id: 'filter',
      title: `5. deals with value in [${params.valueRange.gte.toExponential()}, ${params.valueRange.lte.toExponential()}], by value desc (first 20)`,
      requests: 1,
      ours: (ask) =>
        ask(
          `query ($gte: Float, $lte: Float) { deals(first: ${PAGE}, filter: { valueUsd: { gte: $gte, lte: $lte } }, orderBy: { field: VALUE_USD, direction: DESC }) {
             edges { node { slug name valueUsd } } } }`,
          params.valueRange,
        ),
      theirs: (ask) =>
        ask(
          `query ($gte: Float, $lte: Float) { dealsConnection(first: ${PAGE}, where: { valueUsd: { gte: $gte, lte: $lte } }, sort: [{ valueUsd: DESC }, { id: DESC }]) {
             edges { node { slug name valueUsd } } } }`,
          params.valueRange,
        ),
      raw: (ask) => ask('filter', { ...params.valueRange, first: PAGE }),
      digest: (answer) => {
        const root = answer as Json;
        return edges(root.deals ?? root.dealsConnection).map((e) => [node(e).slug, node(e).valueUsd]);
      },
    },
    nested('nested-100', '6. nested: 100 companies → 10 deals → 5 parties → 3 leaders', {
      companies: 100,
      deals: 10,
      parties: 5,
      leaders: 3,
    }),
    {
      id: 'hub-page',
      title: "7. a hub company's page by slug: counts of deals, leaders, projects; first 20 deals → 5 parties",
      requests: 1,
      ours: (ask) =>
        ask(
          `query ($slug: String!) { entity(slug: $slug) { ... on Company { slug name
             deals(first: 20) { totalCount edges { role node { slug name valueUsd
               parties(first: 5) { edges { role node { slug name } } } } } }
             leaders { totalCount } projects { totalCount } } } }`,
          { slug: params.hubSlug },
        ),
      theirs: (ask) =>
        ask(
          `query ($slug: String!) { companies(where: { slug: { eq: $slug } }) { slug name
             dealsConnection(first: 20, ${BY_NAME}) { totalCount edges { properties { role } node { slug name valueUsd
               partiesConnection(first: 5, ${BY_NAME}) { edges { properties { role } node { slug name } } } } } }
             leadersConnection { totalCount } projectsConnection { totalCount } } }`,
          { slug: params.hubSlug },
        ),
      raw: (ask) => ask('hub-page', { slug: params.hubSlug, deals: 20, parties: 5 }),
      digest: (answer) => {
        const c = company(answer);
        return [
          c.slug,
          count(c, 'deals'),
          count(c, 'leaders'),
          count(c, 'projects'),
          edges(pick(c, 'deals')).map((d) => [
            node(d).slug,
            role(d),
            node(d).valueUsd,
            edges(pick(node(d), 'parties')).map((p) => [node(p).slug, role(p)]),
          ]),
        ];
      },
    },
    {
      id: 'analyst',
      title:
        '8. analyst: 20 companies with a deal over $min a cloud provider is party to, each with the count, sum and max of its deals over $min',
      requests: 1,
      ours: (ask) =>
        ask(
          `query ($min: Float) {
             companies(first: ${PAGE}, filter: { deals: { some: { node: { valueUsd: { gte: $min }, parties: { some: { node: { kinds: [CLOUD_PROVIDER] } } } } } } }) {
               edges { node { slug name deals(filter: { valueUsd: { gte: $min } }) { aggregate { count valueUsd { sum max } } } } } } }`,
          { min: params.analystMin },
        ),
      theirs: (ask) =>
        ask(
          `query ($min: Float) {
             companiesConnection(first: ${PAGE}, sort: [{ name: ASC }, { id: ASC }],
               where: { deals: { some: { valueUsd: { gte: $min }, parties: { some: { kind: { eq: CLOUD_PROVIDER } } } } } }) {
               edges { node { slug name dealsConnection(where: { node: { valueUsd: { gte: $min } } }) {
                 aggregate { count { nodes } node { valueUsd { sum max } } } } } } } }`,
          { min: params.analystMin },
        ),
      raw: (ask) => ask('analyst', { min: params.analystMin, first: PAGE }),
      digest: (answer) => {
        const root = answer as Json;
        return edges(root.companies ?? root.companiesConnection).map((e) => {
          const n = node(e);
          const aggregate = (pick(n, 'deals') as Json).aggregate as Json;
          const count = typeof aggregate.count === 'object' ? (aggregate.count as Json).nodes : aggregate.count;
          const value = (aggregate.valueUsd ?? (aggregate.node as Json).valueUsd) as Json;
          return [n.slug, count, value.sum, value.max];
        });
      },
    },
  ];
}
