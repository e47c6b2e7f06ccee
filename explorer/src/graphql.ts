/** Typed GraphQL documents (gql.tada, checked against schema/schema.graphql) and one fetch. */
import { initGraphQLTada, type ResultOf, type VariablesOf, type TadaDocumentNode } from 'gql.tada';
import { print } from '@0no-co/graphql.web';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { Date: string; DateTime: string; JSON: unknown };
  disableMasking: true;
}>();

export type { ResultOf, VariablesOf };

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** Each error's `extensions.code` (e.g. NOT_FOUND), when the server gave one. */
    readonly codes: string[] = [],
  ) {
    super(message);
  }
}

/**
 * POSTs one operation to the public API at /graphql; GraphQL errors become one thrown error.
 * `token` (a write token, for mutations) goes as `Authorization: Bearer`.
 */
export async function request<R, V>(
  document: TadaDocumentNode<R, V>,
  variables: V,
  signal?: AbortSignal,
  token?: string,
): Promise<R> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: print(document), variables }),
    signal,
  });
  const body = (await response.json()) as {
    data?: R;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length)
    throw new GraphQLRequestError(
      body.errors.map((e) => e.message).join('; '),
      body.errors.flatMap((e) => (e.extensions?.code ? [e.extensions.code] : [])),
    );
  if (!body.data) throw new GraphQLRequestError(`No data (HTTP ${response.status})`);
  return body.data;
}
