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
import type { ConnectionArgs } from '../graph/ordering.js';
import type { RootConnectionSpec } from '../graph/root-connections.js';
import { planRoot, type PlannedStatement } from './compile.js';
import { collectFields, walkRoot, type RootRead, type RootTree } from './walk.js';

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
    const spec = specs.get(name);
    const root: RootRead | null =
      name === 'entity'
        ? { kind: 'entity', slug: String(args.slug) }
        : spec
          ? { kind: 'connection', spec, args: args as ConnectionArgs }
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
  for (const { key, input, root, operation } of plannedRoots(schema, document, specs, variables, maxPageSize)) {
    const { cypher, params } = planRoot(input, root, operation);
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
