/**
 * Aggregates on connections (README, "Analyst queries"): `count`, sum/min/max/avg of each number
 * field, and `groupBy` a node's enum-like fields, its dates' years or the relationship's
 * properties. What each connection offers is derived from the model; the Cypher is one
 * expression per aggregate over the connection's own (filtered) rows, so a planned statement
 * computes every aggregate of a page in the same round trip.
 */
import {
  KIND_PROPERTIES,
  READ_ONLY_PROPERTIES,
  RELATIONSHIPS,
  SOURCE_PROPERTIES,
  type EntityLabel,
  type PropertyType,
  type TypedRelationship,
} from './model.js';
import { ALL_SOURCED_FIELDS } from '../claims/model.js';
import { kindOf, propertyAt, relationshipPropertyAt } from '../claims/time.js';
import type { FilterLabel } from './filters.js';
import { getOrCreate } from '../get-or-create.js';
import type { RowExpression, RowVariables } from './patterns.js';

/** What one connection can aggregate: number fields and group fields, as expressions over a row. */
export interface AggregateSpec {
  /** GraphQL field name → number expression. */
  numeric: Record<string, RowExpression>;
  /** GroupField enum value → key expression (a string, or null when the value is missing). */
  groups: Record<string, RowExpression>;
}

/** String properties worth grouping by (names, slugs and descriptions are not). */
const GROUPABLE: Partial<Record<EntityLabel | 'Source', readonly string[]>> = {
  Company: ['kind', 'country'],
  Project: ['status'],
  Datacenter: ['status'],
  Deal: ['kind'],
  Source: ['publisher', 'language'],
};

const constantCase = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
/** `announcedOn` → ANNOUNCED_YEAR, `targetDate` → TARGET_YEAR, `since` → SINCE_YEAR. */
const yearGroup = (name: string) => `${constantCase(name.replace(/(On|Date)$/, ''))}_YEAR`;

function propertiesOf(label: FilterLabel): Record<string, PropertyType> {
  if (label === 'Entity') return {};
  if (label === 'Source') return SOURCE_PROPERTIES;
  return { ...KIND_PROPERTIES[label], ...READ_ONLY_PROPERTIES[label] };
}

function addProperties(
  spec: AggregateSpec,
  of: 'node' | 'rel',
  properties: Record<string, PropertyType>,
  groupable: readonly string[] | 'all',
  sourced: ReadonlySet<string>,
) {
  // In a time read a sourced value is the claims' at the slice (src/claims/time.ts).
  const value = (row: RowVariables, name: string) =>
    of === 'rel'
      ? relationshipPropertyAt(row.rel, name, row.time === true)
      : propertyAt(row.node, name, sourced.has(name), row.time === true);
  // A claim lookup is an expression: its property is read through parentheses.
  const grouped = (expr: string) => (/^[\w.]+$/.test(expr) ? expr : `(${expr})`);
  for (const [name, type] of Object.entries(properties)) {
    if (type === 'number') spec.numeric[name] = (row) => value(row, name);
    else if (type === 'date') spec.groups[yearGroup(name)] = (row) => `toString(${grouped(value(row, name))}.year)`;
    else if (type === 'string' && (groupable === 'all' || groupable.includes(name)))
      spec.groups[constantCase(name)] = (row) => value(row, name);
  }
}

const specs = new Map<FilterLabel | TypedRelationship, AggregateSpec>();

/**
 * What a root connection of `label`, or a typed relationship connection, aggregates: derived
 * from the model once per connection (the planner asks on every request).
 */
export function aggregateSpecOf(target: FilterLabel | TypedRelationship): AggregateSpec {
  return getOrCreate(specs, target, () => deriveAggregateSpec(target));
}

function deriveAggregateSpec(target: FilterLabel | TypedRelationship): AggregateSpec {
  const spec: AggregateSpec = { numeric: {}, groups: {} };
  const label = typeof target === 'string' ? target : target.nodeLabel;
  if (label === 'Entity') spec.groups.KIND = (row) => `toUpper(${kindOf(row.node, row.time === true)})`;
  const sourced = label === 'Source' || label === 'Entity' ? new Set<string>() : ALL_SOURCED_FIELDS;
  addProperties(spec, 'node', propertiesOf(label), label === 'Entity' ? [] : (GROUPABLE[label] ?? []), sourced);
  if (typeof target !== 'string')
    addProperties(spec, 'rel', RELATIONSHIPS[target.type].properties, 'all', ALL_SOURCED_FIELDS);
  return spec;
}

/** A `groupBy` selection. */
export interface GroupRead {
  /** Response key. */
  key: string;
  field: string;
  first: number;
  numeric: string[];
}

/** An `aggregate` selection: its number fields and groupings (the count always comes). */
export interface AggregateRead {
  index: number;
  /** Response key, and the GraphQL type the resolvers of `groupBy` are on. */
  key: string;
  typeName: string;
  numeric: string[];
  groups: GroupRead[];
}

/** The parameter holding grouping `j`'s size: `a4_g0`. */
const groupSizeParam = (read: AggregateRead, j: number) => `a${read.index}_g${j}`;

const statColumns = (numeric: readonly string[], spec: AggregateSpec, row: RowVariables) =>
  numeric.flatMap((name, i) => {
    const expr = spec.numeric[name]!(row);
    return [`sum(${expr}) AS s${i}`, `min(${expr}) AS m${i}`, `max(${expr}) AS x${i}`, `avg(${expr}) AS a${i}`];
  });

const statEntries = (numeric: readonly string[]) =>
  numeric.map((name, i) => `${name}: { sum: s${i}, min: m${i}, max: x${i}, avg: a${i} }`);

/**
 * The aggregate as one expression over the rows `match` yields (a MATCH ... WHERE binding the
 * `row` variables): a map with `count`, each number field's statistics and each grouping's groups
 * (largest first, then by key).
 */
export function aggregateExpression(
  match: string,
  read: AggregateRead,
  spec: AggregateSpec,
  row: RowVariables,
): string {
  const totals = [
    `head(COLLECT { ${match} WITH ${['count(*) AS count', ...statColumns(read.numeric, spec, row)].join(', ')}`,
    `RETURN { ${['count: count', ...statEntries(read.numeric)].join(', ')} } })`,
  ].join(' ');
  const groups = read.groups.map((g, j) => {
    const columns = [`${spec.groups[g.field]!(row)} AS key`, 'count(*) AS count', ...statColumns(g.numeric, spec, row)];
    const entries = ['key: key', 'count: count', ...statEntries(g.numeric)];
    const order = `ORDER BY count DESC, key LIMIT toInteger($${groupSizeParam(read, j)})`;
    return `g${j}: COLLECT { ${match} WITH ${columns.join(', ')} ${order} RETURN { ${entries.join(', ')} } }`;
  });
  return `{ totals: ${totals}${groups.map((g) => `, ${g}`).join('')} }`;
}

/** Parameters of an aggregate expression: each grouping's size. */
export function aggregateParams(read: AggregateRead, params: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [j, g] of read.groups.entries()) params[groupSizeParam(read, j)] = g.first;
  return params;
}

export interface Stats {
  sum: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
}

const numberOrNull = (v: unknown) => (v == null ? null : Number(v));

/** Each number field's statistics off a returned map (a sum over no rows is 0, the others null). */
function statsOf(raw: Record<string, unknown>, numeric: readonly string[]): Record<string, Stats> {
  const out: Record<string, Stats> = {};
  for (const name of numeric) {
    const field = (raw[name] ?? {}) as Record<string, unknown>;
    out[name] = {
      sum: numberOrNull(field.sum) ?? 0,
      min: numberOrNull(field.min),
      max: numberOrNull(field.max),
      avg: numberOrNull(field.avg),
    };
  }
  return out;
}

export interface GroupRow {
  key: string | null;
  count: number;
  [numeric: string]: unknown;
}

export interface AggregateRow {
  count: number;
  /** Each grouping's groups by response key. */
  groups: Record<string, GroupRow[]>;
  [numeric: string]: unknown;
}

/** The expression's value as resolvers read it (driver integers as numbers). */
export function shapeAggregate(raw: Record<string, unknown> | null | undefined, read: AggregateRead): AggregateRow {
  const totals = (raw?.totals ?? {}) as Record<string, unknown>;
  const groups: Record<string, GroupRow[]> = {};
  read.groups.forEach((g, j) => {
    groups[g.key] = ((raw?.[`g${j}`] ?? []) as Array<Record<string, unknown>>).map((row) => ({
      key: row.key == null ? null : String(row.key),
      count: Number(row.count),
      ...statsOf(row, g.numeric),
    }));
  });
  return { count: Number(totals.count ?? 0), ...statsOf(totals, read.numeric), groups };
}
