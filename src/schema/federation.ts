/**
 * Apollo Federation v2 (README, "Federation"): the five entity kinds are entities keyed by `id`
 * (their global ID) and by `slug`, and `subgraphSchema` is the schema FEDERATION=true serves:
 * the same types plus `_service { sdl }` and `_entities(representations:)`. The `@key`s only mark
 * types, so the plain schema (schema/schema.graphql) prints the same with or without them.
 */
import { printSubgraphSchema } from '@apollo/subgraph';
import { GraphQLObjectType, GraphQLSchema, type GraphQLFieldConfig } from 'graphql';
import { mayRead } from '../auth.js';
import type { Context } from '../context.js';
import type { EntityRow } from '../graph/entities.js';
import { entityByIdLoader, entityReferenceLoader } from '../graph/entity-loaders.js';
import { ENTITY_LABELS, type EntityLabel } from '../graph/model.js';
import { redirectTarget } from '../identity/merge.js';
import { builder, missingScopeError } from './builder.js';
import { parseGlobalId } from './node.js';
import { CompanyRef, DatacenterRef, DealRef, PersonRef, ProjectRef } from './refs.js';

/** A representation the gateway sends: one of the keys, as this subgraph printed it. */
type Representation = { id: string } | { slug: string };

/**
 * The entity a representation names, or null (Relay semantics: gone, or another kind). Loads go
 * through one loader for every kind and key, so a gateway's batch of references is one statement;
 * an id or slug merged away follows its redirect, as `node` and `entity` do (statements of its
 * own, for those references only).
 */
async function resolveReference(label: EntityLabel, ref: Representation, ctx: Context): Promise<EntityRow | null> {
  // `_entities` is added beside the Query type, outside the root's `read` scope: checked here.
  if (!mayRead(ctx.config.auth, ctx.auth)) throw missingScopeError(ctx, 'Query._entities');
  let key: 'id' | 'slug';
  let value: string;
  if ('id' in ref && typeof ref.id === 'string') {
    const decoded = parseGlobalId(ref.id);
    if (decoded.typename !== label) return null;
    key = 'id';
    value = decoded.id;
  } else if ('slug' in ref && typeof ref.slug === 'string') {
    key = 'slug';
    value = ref.slug;
  } else {
    return null;
  }
  const found = await entityReferenceLoader(ctx).load({ key, value });
  let row = found.entity;
  if (found.redirected) {
    const target = await redirectTarget((c, p) => ctx.db.read(c, p), key, value);
    row = target ? await entityByIdLoader(ctx).load(target.id) : null;
  }
  // A copy: the entities resolver stamps `__typename` on what it gets, and loaders share rows.
  return row?.label === label ? { ...row } : null;
}

const refs = { Person: PersonRef, Company: CompanyRef, Project: ProjectRef, Datacenter: DatacenterRef, Deal: DealRef };
for (const label of ENTITY_LABELS) {
  builder.asEntity(refs[label], {
    key: [builder.selection<{ id: string }>('id'), builder.selection<{ slug: string }>('slug')],
    // The row is of `label`'s kind (resolveReference checks), the row type each ref is typed by.
    resolveReference: (ref, ctx) => resolveReference(label, ref, ctx) as never,
  });
}

/**
 * `_entities` priced as `nodes(ids:)` is: each representation is one item, and what it selects
 * is paid once per representation (src/query-cost.ts reads this rule).
 */
function pricedEntitiesField(field: GraphQLFieldConfig<unknown, unknown>): GraphQLFieldConfig<unknown, unknown> {
  const perReference = (args: Record<string, unknown>) => {
    const n = Array.isArray(args.representations) ? Math.max(1, args.representations.length) : 1;
    return { field: n, multiplier: n };
  };
  return { ...field, extensions: { ...field.extensions, complexity: perReference } };
}

/** The subgraph schema of `builder` (built once all types are defined: src/schema/index.ts). */
export function buildSubgraphSchema(): GraphQLSchema {
  const built = builder.toSubGraphSchema({});
  const query = built.getQueryType()!.toConfig();
  const priced = new GraphQLObjectType({
    ...query,
    fields: { ...query.fields, _entities: pricedEntitiesField(query.fields._entities!) },
  });
  const config = built.toConfig();
  return new GraphQLSchema({
    ...config,
    query: priced,
    types: config.types.map((type) => (type.name === priced.name ? priced : type)),
  });
}

/** The subgraph's SDL as `_service { sdl }` gives it to a gateway (printed to schema/subgraph.graphql). */
export const printSubgraph = (subgraph: GraphQLSchema): string => `${printSubgraphSchema(subgraph)}\n`;
