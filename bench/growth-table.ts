/**
 * "Cost as the graph grows": the sequential medians per workload at 20k, 100k and 1M entities,
 * side by side, read from the newest `results/*-<size>.json` of each size and written into
 * bench/README.md between two markers. compare.ts calls it after a run of one of those sizes;
 * `npm run bench -- --table` rewrites it from the files alone (no Neo4j).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIDES = ['ours', 'theirs', 'raw'] as const;
export type Side = (typeof SIDES)[number];

export interface SideFigures {
  seqMedianMs: number;
  seqP95Ms: number;
  /** Node CPU (user + system) per operation, sequential, in ms. */
  seqCpuMs: number;
  concMedianMs: number;
  concOpsPerSec: number;
  concCpuMs: number;
  roundTrips: number;
  dbHits?: number;
}

export interface ResultFile {
  size: string;
  entities: number;
  date: string;
  commit: string;
  iterations: number;
  concurrency: number;
  workloads: Array<{
    id: string;
    title: string;
    requests: number;
    /** A side's figures, or why it has none (the error code, e.g. `LIMIT_EXCEEDED (MAX_COMPLEXITY)`). */
    sides: Partial<Record<Side, SideFigures | { refused: string }>>;
    /** Set when the workload was not timed at all (answers differed, every side failed). */
    failed?: string;
  }>;
}

export const GROWTH_SIZES = ['20k', '100k', '1M'] as const;
const START = '<!-- growth-table:start (written by `npm run bench -- --table` from results/*.json) -->';
const END = '<!-- growth-table:end -->';

/** Newest result file per size (file names start with the ISO date). */
function newest(resultsDir: string, size: string): { file: string; result: ResultFile } | undefined {
  if (!existsSync(resultsDir)) return undefined;
  const files = readdirSync(resultsDir)
    .filter((f) => f.endsWith(`-${size}.json`) && /^\d{4}-\d{2}-\d{2}-/.test(f))
    .sort();
  const file = files.at(-1);
  return file ? { file, result: JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as ResultFile } : undefined;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function cell(side: SideFigures | { refused: string } | undefined): string {
  if (!side) return '–';
  if ('refused' in side) return 'refused';
  return ms(side.seqMedianMs);
}

/** The markdown of the section body (between the markers). */
export function renderGrowthTable(resultsDir: string): string {
  const bySize = GROWTH_SIZES.map((size) => {
    const found = newest(resultsDir, size);
    return { size, file: found?.file, result: found?.result };
  });
  const present = bySize.filter((s) => s.result);
  const lines: string[] = [];
  if (present.length === 0) return 'No run of 20k, 100k or 1M entities has written a result file yet.';
  lines.push(
    'Sequential median per operation in ms, **ours / theirs / raw** (stargraph / Neo4j GraphQL Library / one hand-written statement), ' +
      'from the newest result file of each size: ' +
      present
        .map(
          (s) =>
            `[${s.size}](results/${s.file!.replace(/\.json$/, '.md')}) (${s.result!.date}, commit ${s.result!.commit})`,
        )
        .join(', ') +
      '. "refused": the server answered with an error (the report says which); "not timed": the answers differed. ' +
      'Milliseconds from runs at different times and machine loads: read the trend along each row and the ratio at its end, not single cells.',
  );
  lines.push('');
  lines.push(
    `| workload | ${bySize.map((s) => s.size).join(' | ')} | ours ${GROWTH_SIZES.at(-1)} ÷ ${GROWTH_SIZES[0]} |`,
  );
  lines.push(`|---|${bySize.map(() => '---|').join('')}---|`);
  const ids: Array<{ id: string; title: string }> = [];
  for (const { result } of bySize)
    for (const w of result?.workloads ?? [])
      if (!ids.some((i) => i.id === w.id)) ids.push({ id: w.id, title: w.title });
  for (const { id, title } of ids) {
    const cells = bySize.map(({ result }) => {
      const w = result?.workloads.find((x) => x.id === id);
      if (!w) return '–';
      if (w.failed) return 'not timed';
      return SIDES.map((side) => cell(w.sides[side])).join(' / ');
    });
    const oursAt = (size: string) => {
      const side = bySize.find((s) => s.size === size)?.result?.workloads.find((x) => x.id === id)?.sides.ours;
      return side && !('refused' in side) ? side.seqMedianMs : undefined;
    };
    const first = oursAt(GROWTH_SIZES[0]);
    const last = oursAt(GROWTH_SIZES.at(-1)!);
    lines.push(`| ${title} | ${cells.join(' | ')} | ${first && last ? (last / first).toFixed(2) : '–'} |`);
  }
  return lines.join('\n');
}

/** Replaces the section between the markers in the README (appends the section when absent). */
export function writeGrowthTable(readmePath: string, resultsDir: string): void {
  const readme = readFileSync(readmePath, 'utf8');
  const body = `${START}\n${renderGrowthTable(resultsDir)}\n${END}`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${readme.slice(0, start)}${body}${readme.slice(end + END.length)}`
      : `${readme.trimEnd()}\n\n## Cost as the graph grows\n\n${body}\n`;
  writeFileSync(readmePath, next);
}
