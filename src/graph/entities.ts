/** Reading entities and sources by id or slug: the base every resolver and loader builds on. */
import type { Db, Row } from '../neo4j/db.js';
import {
  isEntityLabel,
  type EntityLabel,
  type KindValues,
  type PropertyValueOf,
  type READ_ONLY_PROPERTIES,
} from './model.js';

/** An entity as resolvers see it: its properties plus `label`, its one kind label. */
export interface EntityRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  aliases: string[];
  /** ISO text from loaders; epoch milliseconds from planned reads (the resolvers format both). */
  createdAt: string | number | null;
  updatedAt: string | number | null;
  label: EntityLabel;
  [property: string]: unknown;
}

/**
 * An entity of one kind, its own properties typed from model.ts (so `row.pledgedUsd` is a number
 * and `row.kind` a CompanyKind, with no cast in the resolvers).
 */
export type KindRow<L extends EntityLabel> = EntityRow & { label: L } & KindValues<L> & ReadOnlyValues<L>;
export type PersonRow = KindRow<'Person'>;
export type CompanyRow = KindRow<'Company'>;
export type ProjectRow = KindRow<'Project'>;
export type DatacenterRow = KindRow<'Datacenter'>;
export type DealRow = KindRow<'Deal'>;

type ReadOnlyValues<L extends EntityLabel, Spec = (typeof READ_ONLY_PROPERTIES)[L]> = {
  -readonly [K in keyof Spec]?: PropertyValueOf<Spec[K]> | null;
};

/** Narrows an entity to its kind's row type. */
export const isKind = <L extends EntityLabel>(row: EntityRow | null | undefined, label: L): row is KindRow<L> =>
  row?.label === label;

export interface SourceRow {
  id: string;
  title: string;
  publisher: string | null;
  url: string | null;
  publishedOn: string | null;
  language: string | null;
  [property: string]: unknown;
}

/** The kind label of entity node `n` (`Company`, ...): its one label besides `Entity`. */
export const kindLabelOf = (n: string) => `head([l IN labels(${n}) WHERE l <> 'Entity'])`;

/** Cypher map projection of an entity node `n` into an EntityRow. */
export const entityProjection = (n: string) => `${n} { .*, label: ${kindLabelOf(n)} }`;

export const sourceProjection = (s: string) => `${s} { .* }`;

export function toEntityRow(value: unknown): EntityRow {
  const row = value as Row;
  if (!isEntityLabel(row.label)) throw new Error(`Node ${String(row.id)} has no entity kind label`);
  return {
    ...(row as EntityRow),
    aliases: (row.aliases as string[] | null) ?? [],
    description: (row.description as string | null) ?? null,
  };
}

/**
 * Entities by id or by slug (both uniquely indexed), in the order asked, null where missing:
 * one round trip. `key` is chosen in code, never by a request.
 */
export async function entitiesBy(db: Db, key: 'id' | 'slug', values: readonly string[]): Promise<(EntityRow | null)[]> {
  const rows = await db.read(
    `UNWIND $values AS value MATCH (n:Entity {${key}: value}) RETURN value, ${entityProjection('n')} AS entity`,
    { values },
  );
  const found = new Map(rows.map((r) => [r.value as string, toEntityRow(r.entity)]));
  return values.map((v) => found.get(v) ?? null);
}

export async function sourcesByIds(db: Db, ids: readonly string[]): Promise<(SourceRow | null)[]> {
  const rows = await db.read(
    `UNWIND $ids AS id MATCH (s:Source {id: id}) RETURN id, ${sourceProjection('s')} AS source`,
    {
      ids,
    },
  );
  const byId = new Map(rows.map((r) => [r.id as string, r.source as SourceRow]));
  return ids.map((id) => byId.get(id) ?? null);
}
