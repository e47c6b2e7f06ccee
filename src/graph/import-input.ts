/**
 * importGraph's input (GraphQL, references by slug) → the bulk loader's GraphData: a pure mapping,
 * no database. Inline sources become source rows, `sourceId`/`source` become MENTIONS, a deal's
 * parties become PARTY_TO relationships; entities get a fresh id (kept only when created).
 */
import { randomUUID } from 'node:crypto';
import type { EntityRecord, GraphData, PropertyValue, RelationshipRecord, SourceRecord } from './bulk-load.js';
import type { EntityLabel } from './model.js';
import { sourceIdFor } from './writes.js';
import {
  entityPropertiesOf,
  type AddSourceInput,
  type ImportInput,
  type Provenance,
  type UpsertInput,
} from './write-input.js';

/** The given values without nulls (null means "remove" to an upsert; the loader stores no nulls). */
export function withoutNulls<T extends object>(props: T): { [K in keyof T]: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v != null)) as {
    [K in keyof T]: Exclude<T[K], null | undefined>;
  };
}

/**
 * `rawSourceId` turns a `sourceId` as the client gave it (a Source global ID or a raw id) into
 * the raw id; global IDs are the schema's business, so the caller supplies it.
 */
/**
 * A write input's claim arguments as record keys (an absent validFrom stays absent: the write's
 * date); its provenance source is cited too, without a quote.
 */
function claimArgsOfInput(input: Provenance, rawSourceId: (sourceId: string) => string) {
  const citations = (input.citations ?? []).map((c) => ({ ...c, source: rawSourceId(c.source) }));
  const source = input.source ? sourceIdFor(input.source) : input.sourceId ? rawSourceId(input.sourceId) : null;
  if (source && !citations.some((c) => c.source === source)) citations.push({ source, quote: null, locator: null });
  return {
    ...(citations.length > 0 ? { citations } : {}),
    ...(input.validFrom !== undefined ? { validFrom: input.validFrom } : {}),
    ...(input.validTo ? { validTo: input.validTo } : {}),
    ...(input.confidence != null ? { confidence: input.confidence } : {}),
  };
}

export function importInputToGraphData(input: ImportInput, rawSourceId: (sourceId: string) => string): GraphData {
  const entities: EntityRecord[] = [];
  const relationships: RelationshipRecord[] = [];
  const sources = new Map<string, SourceRecord>();
  const mentions = new Map<string, Set<string>>();
  const addMention = (sourceId: string, slug: string) => {
    if (!mentions.has(sourceId)) mentions.set(sourceId, new Set());
    mentions.get(sourceId)!.add(slug);
  };
  const addSourceRecord = (source: AddSourceInput) => {
    const id = sourceIdFor(source);
    const { id: _id, mentions: _mentions, cites, ...props } = source;
    sources.set(id, { id, ...withoutNulls(props), ...(cites?.length ? { cites } : {}) });
    return id;
  };
  for (const source of input.sources ?? []) {
    const id = addSourceRecord(source);
    for (const slug of source.mentions ?? []) addMention(id, slug);
  }
  const addEntities = <L extends EntityLabel>(label: L, rows: UpsertInput<L>[] | null | undefined) => {
    for (const row of rows ?? []) {
      const claims = claimArgsOfInput(row, rawSourceId);
      // Claim arguments ride on the record beside its properties (bulk-load.ts CLAIM_ARG_KEYS).
      entities.push({
        ...withoutNulls(entityPropertiesOf(row)),
        ...claims,
        // As data files give them (SCHEME:value); the record rules check them.
        ...(row.identifiers !== undefined
          ? { identifiers: (row.identifiers ?? []).map((i) => `${i.scheme}:${i.value}`) }
          : {}),
        id: randomUUID(),
        label,
      } as unknown as EntityRecord);
      if (row.source) addMention(addSourceRecord(row.source), row.slug);
      else if (row.sourceId) addMention(rawSourceId(row.sourceId), row.slug);
    }
  };
  addEntities('Person', input.people);
  addEntities('Company', input.companies);
  addEntities('Project', input.projects);
  addEntities('Datacenter', input.datacenters);
  addEntities('Deal', input.deals);
  for (const deal of input.deals ?? []) {
    const claims = claimArgsOfInput(deal, rawSourceId);
    for (const party of deal.parties ?? []) {
      const properties = { role: party.role };
      relationships.push({ type: 'PARTY_TO', from: party.company, to: deal.slug, properties, ...claims });
    }
  }
  for (const r of input.relationships ?? []) {
    const properties: Record<string, PropertyValue> = withoutNulls(r.properties ?? {});
    relationships.push({
      type: r.type,
      from: r.from,
      to: r.to,
      properties,
      ...claimArgsOfInput(r as Provenance, rawSourceId),
    });
  }
  return {
    entities,
    relationships,
    sources: [...sources.values()],
    mentions: [...mentions].map(([source, slugs]) => ({ source, entities: [...slugs] })),
  };
}
