/** The answers of `npm run query` as readable text: entities, relationships, paths and amounts. */

export interface EntityJson {
  __typename: string;
  slug: string;
  name: string;
}

export interface RelationshipJson {
  type: string;
  from: { slug: string };
  to: { slug: string };
  role: string | null;
  title: string | null;
  committedUsd: number | null;
  amountUsd: number | null;
}

export interface PathJson {
  length: number;
  nodes: EntityJson[];
  relationships: RelationshipJson[];
}

/** The GraphQL selections the text needs (also what `--json` prints). */
export const ENTITY = '__typename slug name';
export const RELATIONSHIP = 'type role title committedUsd amountUsd from { slug } to { slug }';
export const PATH = `length nodes { ${ENTITY} } relationships { ${RELATIONSHIP} }`;

/** Dollars the way analysts read them: $1.2T, $40bn, $300m, $5000. */
export const formatUsd = (usd: number): string => {
  const abs = Math.abs(usd);
  if (abs >= 1e12) return `$${(usd / 1e12).toFixed(abs >= 1e13 ? 0 : 1)}T`;
  if (abs >= 1e9) return `$${(usd / 1e9).toFixed(abs >= 1e10 ? 0 : 1)}bn`;
  if (abs >= 1e6) return `$${(usd / 1e6).toFixed(0)}m`;
  return `$${usd.toFixed(0)}`;
};

export const entityLabel = (e: EntityJson) => `${e.name} (${e.__typename.toLowerCase()}, ${e.slug})`;

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const hops = (n: number) => plural(n, 'hop');

/** ` (role buyer, CEO, committed $40bn)`: the relationship's properties that are set, or ''. */
export function relationshipDetails(r: RelationshipJson): string {
  const parts = [
    r.role && `role ${r.role}`,
    r.title,
    r.committedUsd != null && `committed ${formatUsd(r.committedUsd)}`,
    r.amountUsd != null && formatUsd(r.amountUsd),
  ];
  const shown = parts.filter(Boolean).join(', ');
  return shown ? ` (${shown})` : '';
}

/** A path as one entity per line with the relationship between them, arrows in its direction. */
export function formatPath(path: PathJson, indent = '  '): string {
  const lines = [`${indent}${entityLabel(path.nodes[0]!)}`];
  path.relationships.forEach((r, i) => {
    const forward = r.from.slug === path.nodes[i]!.slug;
    const arrow = forward ? `--${r.type}${relationshipDetails(r)}-->` : `<--${r.type}${relationshipDetails(r)}--`;
    lines.push(`${indent}  ${arrow}`, `${indent}${entityLabel(path.nodes[i + 1]!)}`);
  });
  return lines.join('\n');
}
