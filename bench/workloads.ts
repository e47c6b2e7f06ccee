/**
 * The operations bench/compare.ts times, each written twice: against stargraph's API
 * (schema/schema.graphql) and against the Neo4j GraphQL Library's generated API
 * (bench/baseline/typeDefs.graphql). Both versions ask for the same data in the same order:
 * connections on both sides (edge properties live on edges in both APIs), name-then-id order
 * wherever stargraph orders by name, the same page sizes. `digest` reduces an answer to what
 * both must agree on, and compare.ts refuses to time a workload whose digests differ.
 */

/** Sends one GraphQL request; throws on any error in the answer. */
export type Ask = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** One operation: one or more requests, in sequence; returns what `digest` reads. */
export type Operation = (ask: Ask) => Promise<unknown>;

export interface WorkloadParams {
  /** A hub company (most deals) for the by-slug lookup. */
  hubSlug: string;
  /** Deal value range (US dollars) for the filter workload. */
  valueRange: { gte: number; lte: number };
}

export interface Workload {
  id: string;
  title: string;
  /** Requests per operation (deep paging sends several). */
  requests: number;
  ours: Operation;
  theirs: Operation;
  /** The part of an answer both servers must return identically. */
  digest: (answer: unknown) => unknown;
}

type Json = Record<string, unknown>;
const edges = (connection: unknown): Json[] => ((connection as Json).edges as Json[]) ?? [];
const node = (edge: Json): Json => edge.node as Json;

const PAGE = 20;
const PAGES = 10;

export function workloads(params: WorkloadParams): Workload[] {
  return [
    {
      id: 'floor',
      title: '0. floor: `{ __typename }` (no database; HTTP + GraphQL layer only)',
      requests: 1,
      ours: (ask) => ask('query { __typename }'),
      theirs: (ask) => ask('query { __typename }'),
      digest: (answer) => answer,
    },
    {
      id: 'page',
      title: '1. first page of 20 companies (name)',
      requests: 1,
      ours: (ask) => ask(`query { companies(first: ${PAGE}) { edges { node { slug name } } } }`),
      theirs: (ask) =>
        ask(`query { companiesConnection(first: ${PAGE}, sort: [{ name: ASC }, { id: ASC }]) { edges { node { slug name } } } }`),
      digest: (answer) => {
        const root = answer as Json;
        return edges(root.companies ?? root.companiesConnection).map((e) => node(e).slug);
      },
    },
    {
      id: 'nested',
      title: '2. nested: 20 companies → 5 deals → 5 parties → 3 leaders',
      requests: 1,
      ours: (ask) =>
        ask(`query {
          companies(first: ${PAGE}) { edges { node { slug name
            deals(first: 5) { edges { role node { slug name valueUsd
              parties(first: 5) { edges { role node { slug name
                leaders(first: 3) { edges { title node { slug name } } }
              } } }
            } } }
          } } }
        }`),
      theirs: (ask) =>
        ask(`query {
          companiesConnection(first: ${PAGE}, sort: [{ name: ASC }, { id: ASC }]) { edges { node { slug name
            dealsConnection(first: 5, sort: [{ node: { name: ASC } }, { node: { id: ASC } }]) { edges { properties { role } node { slug name valueUsd
              partiesConnection(first: 5, sort: [{ node: { name: ASC } }, { node: { id: ASC } }]) { edges { properties { role } node { slug name
                leadersConnection(first: 3, sort: [{ node: { name: ASC } }, { node: { id: ASC } }]) { edges { properties { title } node { slug name } } }
              } } }
            } } }
          } } }
        }`),
      digest: (answer) => {
        const root = answer as Json;
        const pick = (n: Json, key: string) => n[key] ?? n[`${key}Connection`];
        const role = (e: Json) => e.role ?? (e.properties as Json | undefined)?.role;
        const title = (e: Json) => e.title ?? (e.properties as Json | undefined)?.title;
        return edges(root.companies ?? root.companiesConnection).map((c) => [
          node(c).slug,
          edges(pick(node(c), 'deals')).map((d) => [
            node(d).slug,
            role(d),
            edges(pick(node(d), 'parties')).map((p) => [
              node(p).slug,
              role(p),
              edges(pick(node(p), 'leaders')).map((l) => [node(l).slug, title(l)]),
            ]),
          ]),
        ]);
      },
    },
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
      digest: (answer) => edges(answer).map((e) => node(e).slug),
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
      digest: (answer) => {
        const root = answer as Json;
        const c = (root.entity ?? (root.companies as Json[])[0]) as Json;
        const count = (key: string) => ((c[key] ?? c[`${key}Connection`]) as Json).totalCount;
        return [c.slug, count('deals'), count('leaders'), count('projects'), count('datacenters')];
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
      digest: (answer) => {
        const root = answer as Json;
        return edges(root.deals ?? root.dealsConnection).map((e) => [node(e).slug, node(e).valueUsd]);
      },
    },
  ];
}
