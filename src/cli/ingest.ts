/**
 * `npm run ingest -- FILE.txt --title ... --published-on YYYY-MM-DD [--language fr|en] [--url ...]
 * [--publisher ...] [--json]`: what `ingestDocument` does, from the command line, on the graph
 * `withGraph` opens. Prints a summary of what was found (mentions, amounts, dates, candidate claims
 * with their status and quote); `--json` prints it as JSON alone on stdout. Nothing but the
 * source, its text and the candidates is written: review them through the API.
 */
import { readFileSync } from 'node:fs';
import { withGraph } from '../open-graph.js';
import { StargraphError } from '../errors.js';
import { ingestDocument, type IngestOutcome } from '../ingest/documents.js';
import { type CommandContext, parseCommandArgs, UsageError } from './args.js';

export const INGEST_USAGE =
  'ingest FILE.txt --title TITLE --published-on YYYY-MM-DD [--language fr|en] [--url URL] [--publisher NAME] [--json]';

export interface IngestCommand {
  file: string;
  title: string;
  publishedOn: string;
  language: string;
  url: string | null;
  publisher: string | null;
  json: boolean;
}

export function parseIngestArgs(argv: string[]): IngestCommand {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      options: {
        title: { type: 'string' },
        'published-on': { type: 'string' },
        language: { type: 'string' },
        url: { type: 'string' },
        publisher: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
    },
    INGEST_USAGE,
  );
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError('Name the text file to ingest', INGEST_USAGE);
  if (rest.length > 0) throw new UsageError(`One file at a time (also given: ${rest.join(' ')})`, INGEST_USAGE);
  if (!values.title) throw new UsageError('--title is required', INGEST_USAGE);
  if (!values['published-on'])
    throw new UsageError('--published-on is required (relative dates are read against it)', INGEST_USAGE);
  return {
    file,
    title: values.title,
    publishedOn: values['published-on'],
    language: values.language ?? 'fr',
    url: values.url ?? null,
    publisher: values.publisher ?? null,
    json: values.json ?? false,
  };
}

/** The summary a person reads: counts, then each candidate on one line. */
export function formatIngest(outcome: IngestOutcome, text: string): string {
  const { extraction, candidates } = outcome;
  const known = extraction.mentions.filter((m) => m.entity !== null);
  const lines = [
    `Source ${outcome.sourceId}: ${extraction.mentions.length} mentions (${known.length} of entities in the graph, ` +
      `${new Set(known.map((m) => m.entity)).size} distinct), ${extraction.amounts.length} amounts, ` +
      `${extraction.dates.length} dates, ${candidates.length} candidate claims ` +
      `(${candidates.filter((c) => c.status === 'KNOWN').length} already known).`,
  ];
  for (const c of candidates) {
    const what =
      c.kind === 'VALUE'
        ? `${c.subject ? (outcome.entitySlugs.get(c.subject) ?? c.subject) : `"${c.subjectName}"`}.${c.field} = ${JSON.stringify(c.value)}`
        : `${c.from ? (outcome.entitySlugs.get(c.from) ?? c.from) : `"${c.fromName}"`} -${c.type}-> ` +
          `${c.to ? (outcome.entitySlugs.get(c.to) ?? c.to) : `"${c.toName}"`}`;
    const quote = text.slice(c.quoteStart, c.quoteEnd).replace(/\s+/g, ' ');
    lines.push(`  ${c.status.padEnd(7)} ${what}  «${quote}» (${c.rule}, ${c.confidence.toFixed(2)})`);
  }
  return lines.join('\n');
}

export async function runIngest(args: string[], { config, logger }: CommandContext): Promise<void> {
  const command = parseIngestArgs(args);
  let text: string;
  try {
    text = readFileSync(command.file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${command.file}: ${(error as Error).message}`, INGEST_USAGE);
  }
  await withGraph(config, logger, async (opened) => {
    try {
      const outcome = await ingestDocument(opened.graph.db(), {
        title: command.title,
        url: command.url,
        publisher: command.publisher,
        publishedOn: command.publishedOn,
        language: command.language,
        text,
      });
      if (command.json) {
        const { entities: _entities, entitySlugs: _slugs, ...rest } = outcome;
        console.log(JSON.stringify(rest, null, 2));
      } else console.log(formatIngest(outcome, text));
    } catch (error) {
      // Bad input is the command line's mistake: say so with the usage, exit code 2.
      if (error instanceof StargraphError && error.extensions.code === 'BAD_USER_INPUT')
        throw new UsageError(error.message, INGEST_USAGE);
      throw error;
    }
  });
}
