/**
 * Filters (README, "Analyst queries"): what each `XFilter` input offers, as data, and the one
 * compiler that turns a filter value into a Cypher predicate over a node variable. Root
 * connections, typed relationship connections, relationship predicates (`some`/`none`/`all`/
 * `count`) and aggregates all filter through it, planned or loaded.
 *
 * The predicate's text depends only on which fields are set and how they nest (so compiled
 * statements cache by it); every value travels as a parameter. Property, label and relationship
 * type names come from the model tables. Logic is two-valued: a test on a property a node lacks
 * is false, so `NOT` of it is true (Cypher's `NOT null` would drop the node).
 */
import { limitExceeded } from '../errors.js';
import {
  ENTITY_LABELS,
  RELATIONSHIPS,
  kindToLabel,
  typedRelationshipsOf,
  type EntityKind,
  type EntityLabel,
  type PropertyType,
  type TypedRelationship,
} from './model.js';
import { countAtSlice, countPattern, relationshipPattern } from './patterns.js';
import { heldAtIf, isSourcedField, propertyAt, relationshipPropertyAt } from '../claims/time.js';
import { heldLabel } from '../claims/model.js';

/** The node types that have a filter input: the five kinds, Source, and Entity (any kind). */
export type FilterLabel = EntityLabel | 'Source' | 'Entity';

export type FilterFieldKind =
  /** String: case-insensitive substring. */
  | 'contains'
  /** String: equal. */
  | 'equals'
  /** A list of values: the property is one of them. */
  | 'oneOf'
  /** A list of EntityKind values: the node has one of those labels. */
  | 'kinds'
  /** FloatRange { gte, lte } on a number property. */
  | 'floatRange'
  /** DateRange { from, to } on a date property. */
  | 'dateRange'
  /** StringMatch { eq, in, contains, startsWith }. */
  | 'stringMatch';

export interface FilterField {
  kind: FilterFieldKind;
  property: string;
  /** For `oneOf`: the GraphQL enum its values come from (a list of String otherwise). */
  enumName?: 'CompanyKind' | 'ProjectStatus' | 'DatacenterStatus' | 'DealKind';
  description?: string;
}

const contains = (property: string): FilterField => ({
  kind: 'contains',
  property,
  description: `Case-insensitive substring of the ${property}.`,
});
const match = (property: string): FilterField => ({
  kind: 'stringMatch',
  property,
  description: `The ${property}: equal to, one of, containing or starting with (the last two ignore case).`,
});

const COMMON_ENTITY_FILTERS: Record<string, FilterField> = {
  nameContains: contains('name'),
  slugs: { kind: 'oneOf', property: 'slug' },
  name: match('name'),
};

/** Input field → what it tests, per filter input (the GraphQL inputs are built from this). */
export const FILTER_FIELDS: Record<FilterLabel, Record<string, FilterField>> = {
  Entity: {
    ...COMMON_ENTITY_FILTERS,
    kinds: { kind: 'kinds', property: 'label', description: 'Entities of these kinds.' },
  },
  Person: COMMON_ENTITY_FILTERS,
  Company: {
    ...COMMON_ENTITY_FILTERS,
    kinds: { kind: 'oneOf', property: 'kind', enumName: 'CompanyKind' },
    country: { kind: 'equals', property: 'country' },
  },
  Project: {
    ...COMMON_ENTITY_FILTERS,
    statuses: { kind: 'oneOf', property: 'status', enumName: 'ProjectStatus' },
    pledgedUsd: { kind: 'floatRange', property: 'pledgedUsd' },
    announcedOn: { kind: 'dateRange', property: 'announcedOn' },
  },
  Datacenter: {
    ...COMMON_ENTITY_FILTERS,
    statuses: { kind: 'oneOf', property: 'status', enumName: 'DatacenterStatus' },
    locationContains: contains('location'),
    location: match('location'),
    powerMw: { kind: 'floatRange', property: 'powerMw' },
  },
  Deal: {
    ...COMMON_ENTITY_FILTERS,
    kinds: { kind: 'oneOf', property: 'kind', enumName: 'DealKind' },
    valueUsd: { kind: 'floatRange', property: 'valueUsd' },
    announcedOn: { kind: 'dateRange', property: 'announcedOn' },
  },
  Source: {
    titleContains: contains('title'),
    title: match('title'),
    publisher: { kind: 'equals', property: 'publisher' },
    language: { kind: 'equals', property: 'language' },
  },
};

/** How an edge property is filtered, by its type in the model. */
export const EDGE_FILTER_KIND: Partial<Record<PropertyType, FilterFieldKind>> = {
  string: 'stringMatch',
  number: 'floatRange',
  date: 'dateRange',
};

/** Relationship predicates of a filter input: its typed relationship fields (Entity has none). */
export const relationFiltersOf = (label: FilterLabel): readonly TypedRelationship[] =>
  label === 'Entity' ? [] : typedRelationshipsOf(label);

/** Bounds on one filter (README, "Limits"). */
export interface FilterLimits {
  /** Nesting of filter objects: AND/OR/NOT entries and a relationship predicate's `node`. */
  maxDepth: number;
  /** Tests in the whole filter: each compared value and each relationship predicate. */
  maxConditions: number;
  /** Values in one `in` list: MAX_PAGE_SIZE. */
  maxList: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxDepth: 8, maxConditions: 50, maxList: 100 };

/** The filter limits of a configuration's limits. */
export const filterLimits = (limits: {
  maxPageSize: number;
  maxFilterDepth: number;
  maxFilterConditions: number;
}): FilterLimits => ({
  maxDepth: limits.maxFilterDepth,
  maxConditions: limits.maxFilterConditions,
  maxList: limits.maxPageSize,
});

export interface CompiledFilter {
  /** A predicate over the node variable (and its relationship variable for edge filters); null when none. */
  where: string | null;
  params: Record<string, unknown>;
}

/** Predicates joined with AND, the absent ones left out: null when none is left. */
export function and(...predicates: ReadonlyArray<string | null | undefined>): string | null {
  const present = predicates.filter((p): p is string => p != null);
  return present.length === 0 ? null : present.join(' AND ');
}

type Input = Record<string, unknown>;

const isSet = (value: unknown) => value !== undefined && value !== null;

class FilterCompiler {
  readonly params: Record<string, unknown> = {};
  private nextParam = 0;
  private nextVar = 0;
  private conditions = 0;

  constructor(
    private readonly prefix: string,
    private readonly limits: FilterLimits,
    /** A time read: values, relationships and far nodes as the claims give them (src/claims/time.ts). */
    private readonly time: boolean,
  ) {}

  private param(value: unknown): string {
    const name = `${this.prefix}${this.nextParam++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  private variable(base: string): string {
    return `${base}_${this.nextVar++}`;
  }

  private condition(): void {
    if (++this.conditions > this.limits.maxConditions) {
      throw limitExceeded(
        'MAX_FILTER_CONDITIONS',
        this.limits.maxConditions,
        this.conditions,
        'Conditions in one filter',
      );
    }
  }

  private list(value: unknown, what: string): unknown[] {
    const list = value as unknown[];
    if (list.length > this.limits.maxList)
      throw limitExceeded('MAX_PAGE_SIZE', this.limits.maxList, list.length, `Values in ${what}`);
    return list;
  }

  /**
   * A filter object over node variable `v`: its set fields, ANDed (null when none is set; an
   * empty item of OR or NOT is the literal `true`); depth 1 at the top.
   */
  node(label: FilterLabel, input: Input, v: string, depth: number): string | null {
    if (depth > this.limits.maxDepth)
      throw limitExceeded('MAX_FILTER_DEPTH', this.limits.maxDepth, depth, 'Filter nesting');
    const parts: string[] = [];
    for (const [name, field] of Object.entries(FILTER_FIELDS[label])) {
      if (!isSet(input[name])) continue;
      const target = propertyAt(v, field.property, isSourcedField(label, field.property), this.time);
      parts.push(...this.field(field, input[name], target, v, name));
    }
    for (const rel of relationFiltersOf(label)) {
      const value = input[rel.fieldName];
      if (isSet(value)) parts.push(...this.relation(rel, value as Input, v, depth));
    }
    if (isSet(input.AND)) {
      const all = and(...(input.AND as Input[]).map((item) => this.node(label, item, v, depth + 1)));
      if (all !== null) parts.push(`(${all})`);
    }
    if (isSet(input.OR)) {
      const items = (input.OR as Input[]).map((item) => this.node(label, item, v, depth + 1) ?? 'true');
      parts.push(items.length === 0 ? 'false' : `(${items.join(' OR ')})`);
    }
    if (isSet(input.NOT)) {
      parts.push(`NOT coalesce(${this.node(label, input.NOT as Input, v, depth + 1) ?? 'true'}, false)`);
    }
    return parts.length > 1 ? `(${and(...parts)})` : and(...parts);
  }

  /** One input field's tests on `target` (a property of `v`, or of an edge). */
  private field(field: FilterField, value: unknown, target: string, v: string, name: string): string[] {
    switch (field.kind) {
      case 'contains':
        this.condition();
        return [`toLower(${target}) CONTAINS toLower(${this.param(value)})`];
      case 'equals':
        this.condition();
        return [`${target} = ${this.param(value)}`];
      case 'oneOf':
        // `slugs`, `kinds`, `statuses` were unbounded before `in` existed; they stay so.
        this.condition();
        return [`${target} IN ${this.param(value)}`];
      case 'kinds': {
        this.condition();
        const kinds = (value as EntityKind[]).map((k) => kindToLabel(k));
        const labels = this.time ? [...kinds, ...kinds.map(heldLabel)] : kinds;
        return [`any(l IN labels(${v}) WHERE l IN ${this.param(labels)})`];
      }
      case 'floatRange':
        return this.range(value as Input, target, 'gte', 'lte', (p) => p);
      case 'dateRange':
        return this.range(value as Input, target, 'from', 'to', (p) => `date(${p})`);
      case 'stringMatch': {
        const m = value as Input;
        const parts: string[] = [];
        if (isSet(m.eq)) {
          this.condition();
          parts.push(`${target} = ${this.param(m.eq)}`);
        }
        if (isSet(m.in)) {
          this.condition();
          parts.push(`${target} IN ${this.param(this.list(m.in, `${name}.in`))}`);
        }
        if (isSet(m.contains)) {
          this.condition();
          parts.push(`toLower(${target}) CONTAINS toLower(${this.param(m.contains)})`);
        }
        if (isSet(m.startsWith)) {
          this.condition();
          parts.push(`toLower(${target}) STARTS WITH toLower(${this.param(m.startsWith)})`);
        }
        return parts;
      }
    }
  }

  private range(value: Input, target: string, low: string, high: string, wrap: (param: string) => string): string[] {
    const parts: string[] = [];
    if (isSet(value[low])) {
      this.condition();
      parts.push(`${target} >= ${wrap(this.param(value[low]))}`);
    }
    if (isSet(value[high])) {
      this.condition();
      parts.push(`${target} <= ${wrap(this.param(value[high]))}`);
    }
    return parts;
  }

  /** `f: { some, none, all, count }` of a typed relationship field, over `v`. */
  private relation(rel: TypedRelationship, input: Input, v: string, depth: number): string[] {
    const parts: string[] = [];
    const pattern = (r: string, m: string) => relationshipPattern(rel, v, r, m, this.time);
    const held = (r: string, m: string) =>
      and(heldAtIf(this.time, r), rel.nodeLabel === 'Source' ? null : heldAtIf(this.time, m));
    for (const quantifier of ['some', 'none', 'all'] as const) {
      const edge = input[quantifier];
      if (!isSet(edge)) continue;
      this.condition();
      const r = this.variable(`${v}r`);
      const m = this.variable(`${v}m`);
      const test = this.edge(rel, edge as Input, r, m, depth + 1);
      if (quantifier === 'all' && test === null) continue; // every edge passes an empty test
      const failing = quantifier === 'all' && test !== null ? `NOT coalesce(${test}, false)` : test;
      const condition = and(held(r, m), failing);
      const where = condition === null ? '' : ` WHERE ${condition}`;
      const exists = `EXISTS { MATCH ${pattern(r, m)}${where} }`;
      parts.push(quantifier === 'some' ? exists : `NOT ${exists}`);
    }
    const count = input.count as Input | null | undefined;
    if (isSet(count)) {
      const r = this.variable(`${v}r`);
      const m = this.variable(`${v}m`);
      const counted = this.time
        ? countAtSlice(rel, v, `COUNT { MATCH ${pattern(r, m)} WHERE ${held(r, m)} }`)
        : `COUNT { ${countPattern(rel, v)} }`;
      parts.push(...this.range(count!, counted, 'gte', 'lte', (p) => p));
    }
    return parts;
  }

  /** An edge filter: `node: <far type>Filter` and the relationship's own properties. */
  private edge(rel: TypedRelationship, input: Input, r: string, m: string, depth: number): string | null {
    if (depth > this.limits.maxDepth)
      throw limitExceeded('MAX_FILTER_DEPTH', this.limits.maxDepth, depth, 'Filter nesting');
    const parts: Array<string | null> = [];
    for (const [name, type] of Object.entries(RELATIONSHIPS[rel.type].properties)) {
      const kind = EDGE_FILTER_KIND[type as PropertyType];
      if (kind && isSet(input[name]))
        parts.push(
          ...this.field({ kind, property: name }, input[name], relationshipPropertyAt(r, name, this.time), m, name),
        );
    }
    if (isSet(input.node)) parts.push(this.node(rel.nodeLabel, input.node as Input, m, depth));
    return and(...parts);
  }
}

/**
 * The predicate for `filter` on node variable `v` (null when unset or empty), its parameters
 * named `${prefix}0`, `${prefix}1`, ...; LIMIT_EXCEEDED when it is deeper, wider or longer than
 * the limits allow.
 */
export function compileFilter(
  label: FilterLabel,
  filter: Input | null | undefined,
  v: string,
  prefix: string,
  limits: FilterLimits = DEFAULT_FILTER_LIMITS,
  time = false,
): CompiledFilter {
  if (!isSet(filter)) return { where: null, params: {} };
  const compiler = new FilterCompiler(prefix, limits, time);
  return { where: compiler.node(label, filter!, v, 1), params: compiler.params };
}

/** True when a filter's top level sets a range on `property` (so every matching node has it). */
export function filterRequires(label: FilterLabel, filter: Input | null | undefined, property: string): boolean {
  if (!filter) return false;
  return Object.entries(FILTER_FIELDS[label]).some(([name, field]) => {
    if (field.kind !== 'floatRange' || field.property !== property) return false;
    const range = filter[name] as Input | null | undefined;
    return !!range && (isSet(range.gte) || isSet(range.lte));
  });
}

/** The bounds a filter's top level sets on `property` (`gte`, `lte`), by name; empty when none. */
export function filterBounds(
  label: FilterLabel,
  filter: Input | null | undefined,
  property: string,
): Partial<Record<'gte' | 'lte', unknown>> {
  const bounds: Partial<Record<'gte' | 'lte', unknown>> = {};
  if (!filter) return bounds;
  for (const [name, field] of Object.entries(FILTER_FIELDS[label])) {
    if (field.kind !== 'floatRange' || field.property !== property) continue;
    const range = filter[name] as Input | null | undefined;
    if (isSet(range?.gte)) bounds.gte = range!.gte;
    if (isSet(range?.lte)) bounds.lte = range!.lte;
  }
  return bounds;
}

/** The filter labels that name GraphQL input types, in a stable order. */
export const FILTER_LABELS: readonly FilterLabel[] = [...ENTITY_LABELS, 'Source', 'Entity'];
