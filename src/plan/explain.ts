/**
 * The planned statements of a document, without a database: for tests and for reading what the
 * planner does (`explainPlans(schema, parse(query), rootConnectionSpecs)` prints each root field's
 * Cypher and parameters).
 */
import {
  getArgumentValues,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { timeSlice } from '../claims/time.js';
import type { AggregateRead } from '../graph/aggregates.js';
import type { ConnectionArgs } from '../graph/ordering.js';
import type { PagePlan } from '../graph/paging.js';
import type { RootConnectionSpec } from '../graph/root-connections.js';
import { planRoot, type PlannedStatement } from './compile.js';
import { collectFields, walkRoot, type NodeRead, type RootRead, type RootTree } from './walk.js';

/** The operation of a document (the first one) and its fragments by name. */
function operationOf(document: DocumentNode) {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  return { operation, fragments };
}

/** What one planned root field of a document is: its response key, the walk's input and what it reads. */
interface RootOfDocument {
  key: string;
  input: Parameters<typeof planRoot>[0];
  root: RootRead;
  operation: OperationDefinitionNode;
}

function plannedRoots(
  schema: GraphQLSchema,
  document: DocumentNode,
  specs: ReadonlyMap<string, RootConnectionSpec>,
  variables: Record<string, unknown>,
  maxPageSize: number,
): RootOfDocument[] {
  const { operation, fragments } = operationOf(document);
  const queryType = schema.getQueryType()!;
  const out: RootOfDocument[] = [];
  const ctx = { schema, fragments, variables, maxPageSize, next: 0 };
  for (const [key, fieldNodes] of collectFields(ctx, queryType, [operation.selectionSet])) {
    const name = fieldNodes[0]!.name.value;
    const args = getArgumentValues(queryType.getFields()[name]!, fieldNodes[0]!, variables);
    const time = timeSlice(args.asOf as string | undefined, args.knownAt as string | undefined);
    const spec = specs.get(name);
    const root: RootRead | null =
      name === 'entity'
        ? { kind: 'entity', slug: String(args.slug ?? ''), time }
        : spec
          ? { kind: 'connection', spec, args: args as ConnectionArgs, time }
          : null;
    if (root) out.push({ key, input: { schema, fragments, variables, fieldNodes, maxPageSize }, root, operation });
  }
  return out;
}

/**
 * The planned statements of a document's root fields, without a database: for tests and for
 * reading what the planner does. `specs` names the root connections (field name → spec).
 */
export function explainPlans(
  schema: GraphQLSchema,
  document: DocumentNode,
  specs: ReadonlyMap<string, RootConnectionSpec>,
  variables: Record<string, unknown> = {},
  maxPageSize = 100,
): Record<string, PlannedStatement> {
  const out: Record<string, PlannedStatement> = {};
  for (const { key, input, root } of plannedRoots(schema, document, specs, variables, maxPageSize)) {
    const { cypher, params } = planRoot(input, root);
    out[key] = { cypher, params };
  }
  return out;
}

/** The read trees of a document's root fields (the walk alone), by response key. */
export function explainTrees(
  schema: GraphQLSchema,
  document: DocumentNode,
  specs: ReadonlyMap<string, RootConnectionSpec>,
  variables: Record<string, unknown> = {},
  maxPageSize = 100,
): Record<string, RootTree> {
  const out: Record<string, RootTree> = {};
  for (const { key, input, root } of plannedRoots(schema, document, specs, variables, maxPageSize))
    out[key] = walkRoot(input, root);
  return out;
}

/** A page in one word: its direction and whether it starts from a cursor; `-` when no page is read. */
const pageWord = (page: PagePlan | null) =>
  page ? `${page.backward ? 'backward' : 'forward'}${page.hasCursor ? '+cursor' : ''}` : '-';

/** What a connection reads besides its page: its count, sort keys, filter and aggregates. */
function connectionWords(c: {
  count: boolean;
  cursors: boolean;
  filter: { where: string | null };
  aggregates: readonly AggregateRead[];
}): string {
  const words = [c.count ? 'count' : null, c.cursors ? 'keys' : null, c.filter.where === null ? null : 'filtered'];
  for (const a of c.aggregates)
    words.push(`aggregate ${a.key}#${a.index}(${[...a.numeric, ...a.groups.map((g) => `by ${g.field}`)].join(' ')})`);
  return words.filter(Boolean).join(' ');
}

function printNode(node: NodeRead, indent: string, lines: string[], printed: Set<object>): void {
  for (const needs of node.types) {
    const properties = [...needs.properties].map(([name, readAs]) =>
      readAs === 'string' ? name : `${name}:${readAs}`,
    );
    const flags = [needs.id ? 'id' : null, needs.allProperties ? 'ALL PROPERTIES' : null].filter(Boolean);
    lines.push(`${indent}${needs.typeName} { ${[...flags, ...properties].join(' ')} }`);
    for (const c of [...needs.connections, ...(needs.sources ? [needs.sources] : [])]) {
      const name = `${indent}  ${c.key}#${c.index}`;
      if (printed.has(c)) {
        lines.push(`${name} (as above)`);
        continue;
      }
      printed.add(c);
      if (!('relationship' in c)) {
        lines.push(`${name} sources`);
        printNode(c.node, `${indent}    `, lines, printed);
        continue;
      }
      const { type, direction } = c.relationship;
      const edge = c.edgeProperties.length > 0 ? ` edge(${c.edgeProperties.join(' ')})` : '';
      const words = [direction, type, c.ordering.name, pageWord(c.page), connectionWords(c)].filter(Boolean);
      lines.push(`${name} ${words.join(' ')}${edge}`);
      if (c.node) printNode(c.node, `${indent}    `, lines, printed);
    }
  }
}

/**
 * A read tree as indented lines: each node position's types and properties, each connection's
 * index, relationship, ordering, page and what else it reads. For reading and snapshot tests.
 */
export function printTree(tree: RootTree): string {
  const lines: string[] = [];
  if (tree.kind === 'entity') lines.push('entity(slug)');
  else {
    const indexed = tree.indexed ? ` index(${tree.indexed.property})` : '';
    lines.push(`${tree.label} ${tree.ordering.name} ${pageWord(tree.page)}${indexed} ${connectionWords(tree)}`);
  }
  if (tree.node) printNode(tree.node, '  ', lines, new Set());
  return lines.map((line) => line.trimEnd()).join('\n');
}
