/**
 * The graph model as SPEC.md section 1 states it, written out here rather than imported from
 * src/graph/model.ts: a test that takes its expectation from the code under test cannot catch
 * the code drifting from the spec.
 */
export const SPEC_ENDPOINTS: Record<string, { from: string[]; to: string[] }> = {
  LEADS: { from: ['Person'], to: ['Company'] },
  ANNOUNCED: { from: ['Person', 'Company'], to: ['Project'] },
  PARTICIPATES_IN: { from: ['Company'], to: ['Project'] },
  PARTY_TO: { from: ['Company'], to: ['Deal'] },
  PART_OF: { from: ['Datacenter', 'Deal'], to: ['Project'] },
  COVERS: { from: ['Deal'], to: ['Datacenter'] },
  OPERATES: { from: ['Company'], to: ['Datacenter'] },
  INVESTS_IN: { from: ['Company'], to: ['Company'] },
  MENTIONS: { from: ['Source'], to: ['Person', 'Company', 'Project', 'Datacenter', 'Deal'] },
  CITES: { from: ['Source'], to: ['Source'] },
};

/** Relationship types between entities: what traversals follow (never MENTIONS or CITES). */
export const SPEC_ENTITY_RELATIONSHIP_TYPES = [
  'LEADS',
  'ANNOUNCED',
  'PARTICIPATES_IN',
  'PARTY_TO',
  'PART_OF',
  'COVERS',
  'OPERATES',
  'INVESTS_IN',
];

export const SPEC_COMPANY_KINDS = ['AI_LAB', 'CLOUD_PROVIDER', 'INVESTOR', 'CHIPMAKER', 'ENERGY', 'MEDIA', 'OTHER'];
export const SPEC_DEAL_KINDS = ['COMPUTE_LEASE', 'CLOUD_CONTRACT', 'INVESTMENT', 'PARTNERSHIP', 'OTHER'];

/** README: dealStats counts a company as buyer or seller by its role on PARTY_TO. */
export const README_BUYER_ROLES = ['buyer', 'customer', 'lessee', 'investor'];
export const README_SELLER_ROLES = ['seller', 'provider', 'lessor', 'recipient'];
