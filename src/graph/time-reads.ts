/**
 * The parts of a traversal, ranking, search or count that a time read (`asOf`/`knownAt`) writes
 * differently from a plain read: patterns over live and held-back claims with each step held at
 * the slice, and entity and relationship rows whose sourced values are those of the slice.
 * Plain reads never call these, so their statements stay as they are.
 */
import { ALL_SOURCED_FIELDS, HELD_ENTITY, sourcedProperties, sourcedRelationshipProperties } from '../claims/model.js';
import { stampSlice } from '../claims/row-time.js';
import { heldAt, kindOf, labelAt, publicType, typesAt, type TimeSlice } from '../claims/time.js';
import type { Row } from '../neo4j/db.js';
import { toEntityRow, type EntityRow } from './entities.js';
import { ALL_RELATIONSHIP_PROPERTIES, type EntityLabel, type RelationshipType } from './model.js';
import { withoutPageKeys } from './page-keys.js';
import type { RelationshipRow } from './rows.js';

const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Every value claim about `subject` (an entity's id, a relationship's `claimId`) on one of
 * `fields`, held at the slice, as `[field, value]` pairs, newest recorded first: a
 * `Claim(subject, field)` seek on the named fields. The planner would pick `Claim(subject)`,
 * which reads every relationship claim of a hub (they share its subject but have no field).
 */
const valuesAt = (subject: string, fields: Iterable<string>) =>
  `COLLECT { MATCH (vc:Claim {subject: ${subject}}) USING INDEX vc:Claim(subject, field) ` +
  `WHERE vc.field IN [${quoted([...fields])}] ` +
  `AND ${heldAt('vc')} WITH vc ORDER BY vc.recordedAt DESC RETURN [vc.field, vc.value] }`;

/** Cypher map projection of entity node `n` at the slice (read by `toEntityRowAt`). */
export const entityProjectionAt = (n: string) =>
  `${n} { .*, label: ${kindOf(n, true)}, __valuesAt: ${valuesAt(`${n}.id`, ALL_SOURCED_FIELDS)} }`;

/** Cypher map of relationship `r` at the slice (read by `toRelationshipRowAt`). */
export const relationshipProjectionAt = (r: string) =>
  `{ id: elementId(${r}), type: ${publicType(r, true)}, from: startNode(${r}).id, to: endNode(${r}).id, ` +
  `properties: properties(${r}), valuesAt: ${valuesAt(`${r}.claimId`, Object.keys(ALL_RELATIONSHIP_PROPERTIES))} }`;

/** The newest recorded value of each field among `[field, value]` pairs ordered newest first. */
function winningValues(pairs: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const [field, value] of (pairs as [string, unknown][] | null) ?? []) {
    if (!values.has(field)) values.set(field, value);
  }
  return values;
}

/** An entity row read at `time`: its sourced properties are the slice's values; stamped. */
export function toEntityRowAt(value: unknown, time: TimeSlice): EntityRow {
  const { __valuesAt, ...node } = value as Row;
  const entity = toEntityRow(node);
  const values = winningValues(__valuesAt);
  for (const field of Object.keys(sourcedProperties(entity.label))) entity[field] = values.get(field) ?? null;
  return stampSlice(entity, time);
}

/** A relationship row read at `time`: its properties are the slice's values; stamped. */
export function toRelationshipRowAt(value: unknown, time: TimeSlice): RelationshipRow {
  const { valuesAt: pairs, ...relationship } = value as Row & { valuesAt: unknown };
  const row = relationship as unknown as RelationshipRow;
  const properties = withoutPageKeys(row.properties);
  // A relationship with no claim of its own (never upgraded) keeps what it holds.
  if (properties.claimId != null) {
    const values = winningValues(pairs);
    for (const field of Object.keys(sourcedRelationshipProperties(row.type))) {
      properties[field] = values.get(field) ?? null;
    }
  }
  return stampSlice({ ...row, properties }, time);
}

/** `:A|H_A|B|H_B` for relationship types a time read follows. */
export const typeExpressionAt = (types: readonly RelationshipType[]) => `:${typesAt(types, true)}`;

/** `Entity|HEntity`, or `Company|HCompany|...` for the given labels: a node label in a time read. */
export const labelsAt = (labels: readonly (EntityLabel | 'Entity')[]) =>
  labels.map((label) => labelAt(label, true)).join('|');

/**
 * One step of a quantified path pattern in a time read: a relationship of `types` (`:A|H_A`) to
 * an entity, both held at the slice. The variables are the step's own.
 */
export const heldStep = (typeExpression: string) =>
  `(()-[hr${typeExpression}]-(hm:Entity|${HELD_ENTITY}) WHERE ${heldAt('hr')} AND ${heldAt('hm')})`;
