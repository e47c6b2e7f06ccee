/**
 * Every operation the explorer sends: the public API only. Every read of the graph takes
 * `$asOf` (the time slider's day; null = today), so the whole view is read at one date.
 */
import { graphql } from './graphql.js';

export const NodeFields = graphql(`
  fragment NodeFields on Entity {
    id slug name entityKind
    ... on Deal { valueUsd }
  }
`);

export const RelationshipFields = graphql(`
  fragment RelationshipFields on Relationship {
    id claimId type role title amountUsd committedUsd validFrom validTo
    from { slug }
    to { slug }
  }
`);

export const Neighborhood = graphql(
  `
  query Neighborhood($id: ID!, $depth: Int!, $limit: Int!, $asOf: Date) {
    neighborhood(id: $id, depth: $depth, limit: $limit, asOf: $asOf) {
      truncated
      nodes { ...NodeFields }
      relationships { ...RelationshipFields }
    }
  }
`,
  [NodeFields, RelationshipFields],
);

export const Suggest = graphql(`
  query Suggest($text: String!, $asOf: Date) {
    search(text: $text, prefix: true, first: 8, asOf: $asOf) { match entity { slug name entityKind } }
  }
`);

export const Search = graphql(`
  query Search($text: String!, $asOf: Date) {
    search(text: $text, first: 8, asOf: $asOf) { match entity { slug name entityKind } }
  }
`);

export const EntityDetails = graphql(`
  query EntityDetails($slug: String!, $asOf: Date) {
    entity(slug: $slug, asOf: $asOf) {
      id slug name entityKind description aliases redirectedFrom
      existence { id validFrom validTo }
      sources { id title publisher publishedOn url language }
      relationships(first: 100) {
        edges {
          type direction role title amountUsd committedUsd on since claimId validFrom validTo
          node { slug name entityKind }
        }
      }
      ... on Company { companyKind: kind country }
      ... on Project { projectStatus: status announcedOn pledgedUsd targetPowerMw }
      ... on Datacenter { datacenterStatus: status location powerMw targetDate }
      ... on Deal { dealKind: kind valueUsd announcedOn startsOn endsOn }
    }
  }
`);

export const SourceDetails = graphql(`
  query SourceDetails($id: ID!, $asOf: Date) {
    node(id: $id, asOf: $asOf) {
      ... on Source {
        id title publisher publishedOn url language
        mentions(first: 50) { edges { node { slug name entityKind } } }
      }
    }
  }
`);

export const ShortestPath = graphql(
  `
  query ShortestPath($from: ID!, $to: ID!, $asOf: Date) {
    shortestPath(from: $from, to: $to, maxHops: 6, asOf: $asOf) {
      length
      nodes { ...NodeFields }
      relationships { ...RelationshipFields }
    }
  }
`,
  [NodeFields, RelationshipFields],
);

// --- time and provenance --------------------------------------------------------------------

/** The days the world changed, as the claims tell it (the slider's marks). */
export const Changes = graphql(`
  query Changes($from: Date!, $to: Date!, $within: ID, $first: Int!) {
    changesBetween(from: $from, to: $to, within: $within, first: $first) {
      change on
      entity { slug name }
      claim {
        id kind field value
        relationship { type from { name } to { name } }
      }
    }
  }
`);

export const ClaimFields = graphql(`
  fragment ClaimFields on Claim {
    id kind field value validFrom validTo recordedAt retractedAt retractReason confidence
    citations { quote locator source { id title publisher publishedOn url } }
  }
`);

/** One claim (an edge's relationship claim or an existence claim) with its relationship's values. */
export const ClaimProvenance = graphql(
  `
  query ClaimProvenance($id: ID!) {
    claim(id: $id) {
      ...ClaimFields
      conflicts { ...ClaimFields }
      entity { slug name }
      relationship {
        type from { slug name } to { slug name }
        claims { ...ClaimFields conflicts { ...ClaimFields } }
      }
    }
  }
`,
  [ClaimFields],
);

/** Every value one field of an entity has had, newest recorded first. */
export const ValueHistory = graphql(
  `
  query ValueHistory($slug: String!, $field: String!, $asOf: Date) {
    entity(slug: $slug, asOf: $asOf) {
      slug name
      claims(field: $field) { ...ClaimFields conflicts { ...ClaimFields } }
    }
  }
`,
  [ClaimFields],
);

// --- review of ingested documents, and merges (writes: sent with the write token) -----------

export const CandidateFields = graphql(`
  fragment CandidateFields on CandidateClaim {
    id status kind field value type quote quoteStart quoteEnd rule confidence reason
    subject { slug name } subjectName
    from { slug name } fromName
    to { slug name } toName
  }
`);

/** The ingested documents the review page starts from. */
export const Documents = graphql(`
  query Documents {
    documents(first: 50) { id title publisher publishedOn language }
  }
`);

/** One ingested document: its text, its mentions and its candidate claims. */
export const ReviewDocument = graphql(
  `
  query ReviewDocument($id: ID!) {
    node(id: $id) {
      ... on Source {
        id title publisher publishedOn url language
        document {
          text
          mentions { start end text entity { slug name entityKind } newEntityName newEntityKind }
        }
      }
    }
    candidateClaims(source: $id, first: 100) {
      totalCount
      pageInfo { hasNextPage }
      edges { node { ...CandidateFields } }
    }
  }
`,
  [CandidateFields],
);

export const AcceptCandidate = graphql(
  `
  mutation AcceptCandidate($id: ID!) {
    acceptCandidate(id: $id) { candidate { ...CandidateFields } claim { id } }
  }
`,
  [CandidateFields],
);

export const RejectCandidate = graphql(
  `
  mutation RejectCandidate($id: ID!, $reason: String!) {
    rejectCandidate(id: $id, reason: $reason) { ...CandidateFields }
  }
`,
  [CandidateFields],
);

export const MergeFields = graphql(`
  fragment MergeFields on EntityMerge { id keepSlug mergedSlug at undoneAt }
`);

/** The merges an entity took part in (the details panel's note and its undo). */
export const EntityMerges = graphql(
  `
  query EntityMerges($slug: String!) {
    entity(slug: $slug) { slug name redirectedFrom merges { ...MergeFields } }
  }
`,
  [MergeFields],
);

export const MergeEntities = graphql(
  `
  mutation MergeEntities($keep: ID!, $merge: ID!) {
    mergeEntities(keep: $keep, merge: $merge) { ...MergeFields }
  }
`,
  [MergeFields],
);

export const UnmergeEntities = graphql(
  `
  mutation UnmergeEntities($mergeId: ID!) {
    unmergeEntities(mergeId: $mergeId) { ...MergeFields }
  }
`,
  [MergeFields],
);
