/**
 * A typed client for stargraph: documents written with gql.tada, checked against the published
 * schema (schema/schema.graphql), so a query that asks for a field the API lacks, or code that
 * reads a field the query did not ask for, fails to compile. `npm run example:typed-client --
 * <slug>` prints a company's biggest deals from a running server (GRAPHQL_URL, default
 * http://localhost:4000/graphql).
 */
import { print } from '@0no-co/graphql.web';
import { initGraphQLTada, readFragment, type FragmentOf, type ResultOf, type VariablesOf } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { Date: string; DateTime: string; JSON: unknown };
}>();

/** A company as a party sees it. */
export const PartyFields = graphql(`
  fragment PartyFields on Company {
    slug
    name
    kind
  }
`);

/** A deal with its parties: what a deal card shows. */
export const DealCard = graphql(
  `
  fragment DealCard on Deal {
    slug
    name
    valueUsd
    announcedOn
    parties(first: 10) {
      edges { role node { ...PartyFields } }
    }
  }
`,
  [PartyFields],
);

/** A company's deals, biggest first, one page at a time. */
export const CompanyDeals = graphql(
  `
  query CompanyDeals($slug: String!, $first: Int = 5, $after: String) {
    entity(slug: $slug) {
      name
      ... on Company {
        deals(first: $first, after: $after, orderBy: { field: VALUE_USD, direction: DESC }) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { role node { ...DealCard } }
        }
      }
    }
  }
`,
  [DealCard],
);

export type CompanyDealsResult = ResultOf<typeof CompanyDeals>;
export type CompanyDealsVariables = VariablesOf<typeof CompanyDeals>;

/** Errors as the server coded them (`extensions.code`, e.g. NOT_FOUND, LIMIT_EXCEEDED). */
export class StargraphError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}

/** POSTs the query and returns its typed data, or throws the server's coded errors. */
export async function companyDeals(url: string, variables: CompanyDealsVariables): Promise<CompanyDealsResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: print(CompanyDeals), variables }),
  });
  const body = (await response.json()) as {
    data?: CompanyDealsResult;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length) {
    throw new StargraphError(
      body.errors.map((e) => e.message).join('; '),
      body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN'),
    );
  }
  return body.data!;
}

/** One line per deal: "$30.0bn  openai-oracle-datacenter-deal (buyer; parties: OpenAI, Oracle)". */
export function dealLines(result: CompanyDealsResult): string[] {
  const deals = result.entity && 'deals' in result.entity ? result.entity.deals : null;
  if (!deals) return [];
  return deals.edges.map(({ role, node }) => {
    // Fragments are masked: a deal card's fields are read through its fragment.
    const deal = readFragment(DealCard, node);
    const parties = deal.parties.edges.map((e) => readFragment(PartyFields, e.node).name);
    const value = deal.valueUsd === null ? 'undisclosed' : `$${(deal.valueUsd / 1e9).toFixed(1)}bn`;
    return `${value}  ${deal.slug} (${role ?? 'party'}; parties: ${parties.join(', ')})`;
  });
}

/** What compiling proves: a read of a field the fragment did not select is a type error. */
export function partyName(party: FragmentOf<typeof PartyFields>): string {
  const read = readFragment(PartyFields, party);
  // @ts-expect-error `country` is a Company field, but PartyFields does not select it.
  void read.country;
  return read.name;
}

if (process.argv[1]?.endsWith('client.ts')) {
  const url = process.env.GRAPHQL_URL ?? 'http://localhost:4000/graphql';
  const result = await companyDeals(url, { slug: process.argv[2] ?? 'openai' });
  console.log(`${result.entity?.name ?? 'No such company'}:`);
  for (const line of dealLines(result)) console.log(`  ${line}`);
}
