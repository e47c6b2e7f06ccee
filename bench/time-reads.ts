/**
 * Reads at a slice against the same reads today, side by side: every workload of
 * bench/workloads.ts (stargraph's side), sent plain and again with `asOf` (and, with
 * `--known-at`, `knownAt`) added to each root field, interleaved, on one running server.
 *
 *   npx tsx bench/time-reads.ts --url http://127.0.0.1:4000/graphql --hub <slug> --as-of 2025-01-01
 *
 * Start the server on the graph to measure first (e.g. a generated one with history). Prints one
 * Markdown row per workload: median and p95 of each, the ratio of medians, and whether both
 * answers came back without errors. The answers differ by design (the past is another graph).
 */
import { Kind, parse, print, visit, type ArgumentNode, type OperationDefinitionNode } from 'graphql';
import { workloads, type Ask } from './workloads.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const URL_ = arg('url') ?? 'http://127.0.0.1:4000/graphql';
const HUB = arg('hub') ?? 'openai';
const AS_OF = arg('as-of') ?? '2025-01-01';
const KNOWN_AT = arg('known-at');
const ITERATIONS = Number(arg('iterations') ?? 30);
/** Comma-separated workload ids to run (default: all). */
const ONLY = arg('only')?.split(',');

/** The document with `asOf` (and `knownAt`) on every root field of every operation. */
export function atSlice(query: string, asOf: string, knownAt?: string): string {
  const extra: ArgumentNode[] = [
    { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'asOf' }, value: { kind: Kind.STRING, value: asOf } },
    ...(knownAt
      ? [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: 'knownAt' },
            value: { kind: Kind.STRING, value: knownAt },
          } as ArgumentNode,
        ]
      : []),
  ];
  const document = visit(parse(query), {
    OperationDefinition(operation: OperationDefinitionNode) {
      const selections = operation.selectionSet.selections.map((s) =>
        s.kind === Kind.FIELD && !s.name.value.startsWith('__')
          ? { ...s, arguments: [...(s.arguments ?? []), ...extra] }
          : s,
      );
      return { ...operation, selectionSet: { ...operation.selectionSet, selections } };
    },
  });
  return print(document);
}

const ask =
  (slice: boolean): Ask =>
  async (query, variables) => {
    const body = JSON.stringify({ query: slice ? atSlice(query, AS_OF, KNOWN_AT) : query, variables });
    const response = await fetch(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 300));
    return json.data ?? {};
  };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

async function main() {
  const list = workloads({ hubSlug: HUB, valueRange: { gte: 1e9, lte: 1e10 }, analystMin: 5e10 });
  console.log(`| workload | plain median / p95 (ms) | asOf ${AS_OF} median / p95 (ms) | asOf ÷ plain |`);
  console.log('|---|---|---|---|');
  for (const w of list.filter((w) => !ONLY || ONLY.includes(w.id))) {
    const times: Record<'plain' | 'slice', number[]> = { plain: [], slice: [] };
    try {
      for (let i = 0; i < 3; i++) await Promise.all([w.ours(ask(false)), w.ours(ask(true))]);
      for (let i = 0; i < ITERATIONS; i++) {
        // Interleaved, the side going first alternating.
        for (const side of i % 2 === 0 ? (['plain', 'slice'] as const) : (['slice', 'plain'] as const)) {
          const started = performance.now();
          await w.ours(ask(side === 'slice'));
          times[side].push(performance.now() - started);
        }
      }
    } catch (error) {
      console.log(`| ${w.title} | failed: ${(error as Error).message.slice(0, 120)} | | |`);
      continue;
    }
    const [p, s] = [times.plain, times.slice];
    const fmt = (xs: number[]) => `${median(xs).toFixed(1)} / ${p95(xs).toFixed(1)}`;
    console.log(`| ${w.title} | ${fmt(p)} | ${fmt(s)} | ${(median(s) / median(p)).toFixed(2)}x |`);
  }
}

if (process.argv[1]?.endsWith('time-reads.ts')) await main();
