import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Hostile values per input type, and one request per (position, value) over a whole schema.
 *
 * A position is an argument of a field, or a field of an input object inside one. Every argument
 * of every field reachable from `Query` and every `Mutation` argument is a position, and so is
 * every field of every input type (each input type once, through the first argument found to
 * reach it). Each position gets every hostile value of its type, the rest of the request being
 * valid, so an answer tells how the server takes that one value in that one place.
 */

/** Valid values for required arguments and input fields besides the one under test. */
export interface Valid {
  id: string;
  slug: string;
  /** A global ID per object type, so that `... on T` under `node(id:)` reaches T's fields. */
  ids?: Readonly<Record<string, string>>;
}

const LONG = 'x'.repeat(60_000);

/** Hostile members of each scalar, right-typed and wrong-typed alike. */
export const SCALAR_VALUES: Record<string, readonly unknown[]> = {
  String: [
    '',
    ' ',
    LONG,
    '\u0000\u0001',
    '\ud800 lone surrogate',
    "x'}) MATCH (n) DETACH DELETE n //",
    'name:(a OR b)^10 AND -c~2 +d* [* TO *] /.*/ \\',
    '\u202e\u2066 ﬁ ß İ 🧨 e\u0301\u0301',
    '__proto__',
    42,
  ],
  ID: [
    '',
    'UXVlcnk6MQ==', // "Query:1"
    'Q29tcGFueTo=', // "Company:"
    'X19wcm90b19fOng=', // "__proto__:x"
    '====',
    'not ours',
    LONG,
    '\ud800',
    7,
  ],
  Int: [0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1.5, '1', true],
  Float: [0, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 'NaN', '1e309', false],
  Boolean: [true, false, 'yes', 0],
  Date: [
    '0001-01-01',
    '9999-12-31',
    '2024-02-29',
    '2025-02-29',
    '-000001-01-01',
    '+275760-09-13',
    '2025-13-01',
    '',
    20250101,
  ],
  DateTime: [
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '2025-06-30T23:59:60Z',
    '2025-01-01T00:00:00+14:00',
    '2025-01-01T00:00:00-23:59',
    '2025-01-01',
    'now',
    1735689600,
  ],
  JSON: [
    null,
    1e308,
    LONG,
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
    nest(2000),
    Array.from({ length: 10_000 }, (_, i) => i),
  ],
};

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** The hostile values for a position of `type`. */
export function hostileValues(type: GraphQLInputType, valid: Valid, maxListItems: number): unknown[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const nullable = isNonNullType(type) ? [null] : []; // null where it is not allowed
  if (isListType(inner)) {
    const item = inner.ofType;
    const one = validValue(item, valid);
    return [
      ...nullable,
      [],
      [null],
      Array.from({ length: maxListItems + 1 }, () => one),
      ...hostileValues(item, valid, maxListItems)
        .filter((v) => !Array.isArray(v))
        .map((v) => [v]),
      'not a list item',
    ];
  }
  if (isEnumType(inner)) return [...nullable, ...inner.getValues().map((v) => v.name), 'NOT_A_VALUE', 'lowercase', 3];
  if (isInputObjectType(inner))
    return [...nullable, {}, { unknownField: 1 }, 'not an object', [validValue(inner, valid)]];
  if (isScalarType(inner)) return [...nullable, ...(SCALAR_VALUES[inner.name] ?? SCALAR_VALUES.String!)];
  return nullable;
}

/** A valid value of `type`: required parts only. */
export function validValue(type: GraphQLInputType, valid: Valid): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [validValue(inner.ofType, valid)];
  if (isEnumType(inner)) return inner.getValues()[0]!.name;
  if (isInputObjectType(inner)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields()))
      if (isNonNullType(field.type) && field.defaultValue === undefined)
        out[field.name] = validValue(field.type, valid);
    return out;
  }
  switch (getNamedType(inner).name) {
    case 'ID':
      return valid.id;
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'Date':
      return '2025-03-01';
    case 'DateTime':
      return '2025-03-01T00:00:00Z';
    case 'JSON':
      return 1;
    default:
      return valid.slug;
  }
}

/** `value` placed at `path` inside a valid value of `type`. */
function placed(type: GraphQLInputType, path: readonly string[], value: unknown, valid: Valid): unknown {
  if (path.length === 0) return value;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [placed(inner.ofType, path, value, valid)];
  if (!isInputObjectType(inner)) throw new Error(`no field ${path[0]} in ${String(type)}`);
  const [head, ...rest] = path as [string, ...string[]];
  const out = validValue(inner, valid) as Record<string, unknown>;
  out[head] = placed(inner.getFields()[head]!.type, rest, value, valid);
  return out;
}

/** One request: a document and its variables. */
export interface HostileRequest {
  /** Where the value went, for failure messages: `Query.entity(slug)` or `Mutation.x(input.a.b)`. */
  label: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Wraps the selection of a field into the document that reaches it. */
type Wrap = (inner: string) => string;

interface Position {
  operation: 'query' | 'mutation';
  wrap: Wrap;
  owner: string;
  field: GraphQLField<unknown, unknown>;
  arg: GraphQLArgument;
  path: string[];
  type: GraphQLInputType;
}

/** Every position of the schema (see the file's comment). */
export function positions(schema: GraphQLSchema, valid: Valid): Position[] {
  const out: Position[] = [];
  const seenInputs = new Set<string>();
  const fieldArgs = (
    operation: Position['operation'],
    owner: string,
    field: GraphQLField<unknown, unknown>,
    wrap: Wrap,
  ) => {
    for (const arg of field.args) {
      out.push({ operation, wrap, owner, field, arg, path: [], type: arg.type });
      const walk = (type: GraphQLInputType, path: string[]) => {
        const named = getNamedType(type);
        if (!isInputObjectType(named) || seenInputs.has(named.name)) return;
        seenInputs.add(named.name);
        for (const f of Object.values(named.getFields())) {
          out.push({ operation, wrap, owner, field, arg, path: [...path, f.name], type: f.type });
          walk(f.type, [...path, f.name]);
        }
      };
      walk(arg.type, []);
    }
  };
  // Output types by breadth-first search from Query, each field with arguments once.
  const reached = new Set<string>(['Query']);
  const queue: Array<{ type: GraphQLObjectType; wrap: Wrap }> = [{ type: schema.getQueryType()!, wrap: (s) => s }];
  while (queue.length > 0) {
    const { type, wrap } = queue.shift()!;
    for (const field of Object.values(type.getFields())) {
      fieldArgs('query', type.name, field, wrap);
      const call = `${field.name}${requiredArgs(field, valid)}`;
      const next = getNamedType(field.type);
      for (const target of concrete(schema, next)) {
        if (reached.has(target.name)) continue;
        reached.add(target.name);
        const fragment = target.name === next.name ? '' : `... on ${target.name} `;
        const to = fragment
          ? `${field.name}${requiredArgs(field, { ...valid, id: valid.ids?.[target.name] ?? valid.id })}`
          : call;
        queue.push({ type: target, wrap: (s) => wrap(`${to} { ${fragment ? `${fragment}{ ${s} }` : s} }`) });
      }
    }
  }
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {}))
    fieldArgs('mutation', 'Mutation', field, (s) => s);
  return out;
}

/** What to ask of a field's answer: its type name and a few of its plain fields, and edge cursors. */
function selectionOf(type: GraphQLNamedType): string {
  if (isInterfaceType(type) || isObjectType(type)) {
    const fields = Object.values(type.getFields());
    const plain = fields
      .filter((f) => f.args.every((a) => !isNonNullType(a.type)) && !isObjectLike(getNamedType(f.type)))
      .slice(0, 3)
      .map((f) => f.name);
    const edges = fields.some((f) => f.name === 'edges') ? ['edges { cursor }'] : [];
    return ` { __typename ${[...plain, ...edges].join(' ')} }`;
  }
  return isUnionType(type) ? ' { __typename }' : '';
}

const isObjectLike = (t: GraphQLNamedType) => isObjectType(t) || isInterfaceType(t) || isUnionType(t);

function concrete(schema: GraphQLSchema, type: GraphQLNamedType): GraphQLObjectType[] {
  if (isObjectType(type)) return [type];
  if (isInterfaceType(type) || isUnionType(type)) return [...schema.getPossibleTypes(type)];
  return [];
}

/** `(a: <valid>, ...)` for a field's required arguments without defaults, as literals. */
function requiredArgs(field: GraphQLField<unknown, unknown>, valid: Valid): string {
  const parts = field.args
    .filter((a) => isNonNullType(a.type) && a.defaultValue === undefined)
    .map((a) => `${a.name}: ${literal(validValue(a.type, valid), a.type)}`);
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

function literal(value: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value))
    return `[${value.map((v) => literal(v, isListType(inner) ? inner.ofType : inner)).join(', ')}]`;
  if (isEnumType(inner)) return String(value);
  if (isInputObjectType(inner) && value && typeof value === 'object') {
    const fields = inner.getFields();
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${literal(v, fields[k]!.type)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** One request per hostile value at each position, the value sent as a variable. */
export function hostileRequests(schema: GraphQLSchema, valid: Valid, maxListItems: number): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const p of positions(schema, valid)) {
    const leaf = selectionOf(getNamedType(p.field.type));
    // A write names an entity of its own (a new slug per mutation), so that it cannot change what
    // the reads are given; the ID it is given is the one for writes.
    const own =
      p.operation === 'mutation'
        ? { ...valid, slug: `hv-${p.field.name.toLowerCase()}`, id: valid.ids?.Mutation ?? valid.id }
        : valid;
    const others = p.field.args
      .filter((a) => a !== p.arg && isNonNullType(a.type) && a.defaultValue === undefined)
      .map((a) => `${a.name}: ${literal(validValue(a.type, own), a.type)}`);
    const call = `${p.field.name}(${[`${p.arg.name}: $v`, ...others].join(', ')})${leaf}`;
    const query = `${p.operation} ($v: ${String(p.arg.type)}) { ${p.wrap(call)} }`;
    const where = `${p.owner}.${p.field.name}(${[p.arg.name, ...p.path].join('.')})`;
    for (const value of hostileValues(p.type, own, maxListItems)) {
      out.push({ label: where, query, variables: { v: placed(p.arg.type, p.path, value, own) } });
    }
  }
  return out;
}
