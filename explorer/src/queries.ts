/** Every operation the explorer sends: the public API only. */
import { graphql } from './graphql.js';

export const NodeFields = graphql(`
  fragment NodeFields on Entity {
    id slug name entityKind
    ... on Deal { valueUsd }
  }
`);

export const RelationshipFields = graphql(`
  fragment RelationshipFields on Relationship {
    id type role title amountUsd committedUsd
    from { slug }
    to { slug }
  }
`);

export const Neighborhood = graphql(
  `
  query Neighborhood($id: ID!, $depth: Int!, $limit: Int!) {
    neighborhood(id: $id, depth: $depth, limit: $limit) {
      truncated
      nodes { ...NodeFields }
      relationships { ...RelationshipFields }
    }
  }
`,
  [NodeFields, RelationshipFields],
);

export const Suggest = graphql(`
  query Suggest($text: String!) {
    search(text: $text, prefix: true, first: 8) { match entity { slug name entityKind } }
  }
`);

export const Search = graphql(`
  query Search($text: String!) {
    search(text: $text, first: 8) { match entity { slug name entityKind } }
  }
`);

export const EntityDetails = graphql(`
  query EntityDetails($slug: String!) {
    entity(slug: $slug) {
      id slug name entityKind description aliases
      sources { id title publisher publishedOn url language }
      relationships(first: 100) {
        edges { type direction role title amountUsd committedUsd on since node { slug name entityKind } }
      }
      ... on Company { companyKind: kind country }
      ... on Project { projectStatus: status announcedOn pledgedUsd targetPowerMw }
      ... on Datacenter { datacenterStatus: status location powerMw targetDate }
      ... on Deal { dealKind: kind valueUsd announcedOn startsOn endsOn }
    }
  }
`);

export const SourceDetails = graphql(`
  query SourceDetails($id: ID!) {
    node(id: $id) {
      ... on Source {
        id title publisher publishedOn url language
        mentions(first: 50) { edges { node { slug name entityKind } } }
      }
    }
  }
`);

export const ShortestPath = graphql(
  `
  query ShortestPath($from: ID!, $to: ID!) {
    shortestPath(from: $from, to: $to, maxHops: 6) {
      length
      nodes { ...NodeFields }
      relationships { ...RelationshipFields }
    }
  }
`,
  [NodeFields, RelationshipFields],
);
