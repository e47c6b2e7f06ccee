/** Imports every type's file (each registers its type and root fields) and builds the schema. */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './node.js';
import './entity.js';
import './person.js';
import './company.js';
import './project.js';
import './datacenter.js';
import './deal.js';
import './source.js';
import './search.js';
import './reconcile.js';
import './ingest.js';
import './merge.js';
import './graph-stats.js';
import './traversals.js';
import './claims.js';
import './connect.js';
import './import-graph.js';
import './subscription.js';
import './rate-limit.js';
import { buildSubgraphSchema } from './federation.js';

export const schema = builder.toSchema({ sortSchema: false });

let subgraph: GraphQLSchema | undefined;
/** The Federation v2 subgraph schema (FEDERATION=true): built on first use, once. */
export function subgraphSchema(): GraphQLSchema {
  subgraph ??= buildSubgraphSchema();
  return subgraph;
}
