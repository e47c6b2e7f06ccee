/**
 * Reading the past: a request's `asOf` (valid time, a date) and `knownAt` (transaction time, an
 * instant). A read with neither is a plain read of today's graph and writes none of this; a read
 * with either is a *time read*, which binds both (`$asOf` defaults to today's UTC date, `$knownAt`
 * to now) and writes every pattern, node and value through these fragments. Every fragment reads
 * only its variables and the two parameters, so a statement's text depends on whether it is a
 * time read, never on the dates.
 */
import neo4j from 'neo4j-driver';
import { kindLabelOf } from '../graph/entities.js';
import { ENTITY_LABELS, type EntityLabel, type RelationshipType } from '../graph/model.js';
import { ALL_SOURCED_FIELDS, HELD_ENTITY, heldLabel, heldType } from './model.js';

/** When a read looks at the graph; null: today, as known now. */
export interface TimeSlice {
  /** `YYYY-MM-DD`. */
  asOf: string;
  /** ISO instant. */
  knownAt: string;
}

/** Today's UTC date, `YYYY-MM-DD`. */
export const utcToday = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** The slice a request asks for: null when it gives neither argument. */
export function timeSlice(asOf: string | null | undefined, knownAt: string | null | undefined): TimeSlice | null {
  if (!asOf && !knownAt) return null;
  const now = new Date();
  return { asOf: asOf ?? utcToday(now), knownAt: knownAt ? new Date(knownAt).toISOString() : now.toISOString() };
}

/** `YYYY-MM-DD` → Neo4j date. */
export function graphDate(day: string) {
  const [y, m, d] = day.split('-').map(Number);
  return new neo4j.types.Date(y!, m!, d!);
}

/** ISO instant → Neo4j datetime (UTC). */
export const graphDateTime = (iso: string) => neo4j.types.DateTime.fromStandardDate(new Date(iso));

/** The parameters a time read binds (none for a plain read). */
export function timeParams(time: TimeSlice | null): Record<string, unknown> {
  return time ? { asOf: graphDate(time.asOf), knownAt: graphDateTime(time.knownAt) } : {};
}

/** A stable text for cache keys and loader keys: '' for a plain read. */
export const timeKey = (time: TimeSlice | null): string => (time ? `${time.asOf}|${time.knownAt}` : '');

/**
 * True of node or relationship `x` (an entity or relationship, carrying its claim's copies) or of
 * a `Claim` node: valid on `$asOf`, recorded by `$knownAt` and not retracted by then. Intervals
 * are half-open: `validFrom <= asOf < validTo`; an end the graph learned after `$knownAt`
 * (`closedAt`) is not known then. A missing bound is open, written `coalesce(test, open)` rather
 * than `IS NULL OR test`: the planner answers such an OR with a union of index scans, which loses
 * the index order a page reads in.
 */
export const heldAt = (x: string): string =>
  `coalesce(${x}.validFrom <= $asOf, true)` +
  ` AND (coalesce(${x}.validTo > $asOf, true) OR coalesce(${x}.closedAt > $knownAt, false))` +
  ` AND coalesce(${x}.recordedAt <= $knownAt, true)` +
  ` AND coalesce(${x}.retractedAt > $knownAt, true)`;

/** The predicate a read adds for `x` in a time read; null in a plain read. */
export const heldAtIf = (time: boolean, x: string): string | null => (time ? heldAt(x) : null);

/** A relationship type in a pattern: `T` plain, `T|H_T` in a time read. */
export const typeAt = (type: RelationshipType, time: boolean): string =>
  time && type !== 'MENTIONS' && type !== 'CITES' ? `${type}|${heldType(type)}` : type;

/** Several types in a pattern (`A|B`, with their held types in a time read). */
export const typesAt = (types: readonly RelationshipType[], time: boolean): string =>
  types.map((t) => typeAt(t, time)).join('|');

/** An entity label in a pattern: `Company` plain, `Company|HCompany` in a time read. */
export function labelAt(label: EntityLabel | 'Entity', time: boolean): string {
  if (!time) return label;
  return label === 'Entity' ? `Entity|${HELD_ENTITY}` : `${label}|${heldLabel(label)}`;
}

/**
 * The value a sourced property `field` of subject `subjectId` (an entity's id, or a relationship's
 * `claimId`) held at the slice: the newest recorded of its claims held then (ties: the larger id), from the
 * `Claim(subject, field)` index. `field` comes from the model tables only.
 */
export const valueAt = (subjectId: string, field: string): string =>
  `COLLECT { MATCH (vc:Claim {subject: ${subjectId}, field: '${field}'}) WHERE ${heldAt('vc')}` +
  ` RETURN vc.value ORDER BY vc.recordedAt DESC, vc.id DESC LIMIT 1 }[0]`;

/**
 * The value of sourced property `field` of `holder` (a node or relationship held at the slice,
 * subject `subjectId`) at the slice: the holder's own copy when the field is settled on it (the
 * same at every slice that holds it, materialize.ts), else its claims' (`valueAt`).
 */
const heldValue = (holder: string, subjectId: string, field: string): string =>
  `CASE WHEN '${field}' IN ${holder}.settled THEN ${holder}.${field} ELSE ${valueAt(subjectId, field)} END`;

/** How a read names sourced property `field` of node `v`: `v.field`, or its value at the slice. */
export const propertyAt = (v: string, field: string, sourced: boolean, time: boolean): string =>
  time && sourced ? heldValue(v, `${v}.id`, field) : `${v}.${field}`;

/** How a read names relationship property `field` of `r`, likewise. */
export const relationshipPropertyAt = (r: string, field: string, time: boolean): string =>
  time ? heldValue(r, `${r}.claimId`, field) : `${r}.${field}`;

/** A relationship's public type in a row: a held-back `H_T` reads as `T` in a time read. */
export const publicType = (r: string, time: boolean): string => (time ? `replace(type(${r}), 'H_', '')` : `type(${r})`);

/** True when `property` is a sourced property of some entity kind (for filters over `Entity`). */
export const isSourcedField = (label: string, property: string): boolean =>
  label !== 'Source' && ALL_SOURCED_FIELDS.has(property);

const HELD_KIND_LABELS = ENTITY_LABELS.map((l) => `'${heldLabel(l)}'`).join(', ');

/** The kind label of entity `v`: in a time read a held-back `HCompany` reads as `Company`. */
export const kindOf = (v: string, time: boolean): string =>
  time
    ? `head([l IN labels(${v}) WHERE l <> 'Entity' AND l <> '${HELD_ENTITY}' | ` +
      `CASE WHEN l IN [${HELD_KIND_LABELS}] THEN substring(l, 1) ELSE l END])`
    : kindLabelOf(v);
