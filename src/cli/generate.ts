/**
 * `npm run generate -- --entities N`: a synthetic graph (src/graph/generator.ts) written into
 * Neo4j by the bulk loader, with progress per label and relationship type on stderr and the
 * load result on stdout.
 */
import { DEFAULT_BATCH_SIZE, type LoadProgress, loadGraph } from '../graph/bulk-load.js';
import type { GenerateOptions } from '../graph/generator.js';
import { Progress, type ProgressOutput } from '../import/progress.js';
import { withGraph } from '../open-graph.js';
import { type CommandContext, parseCommandArgs, UsageError, wholeNumber } from './args.js';

/** Node batches written at once by this command (relationship batches always go one at a time). */
const GENERATE_CONCURRENCY = 2;
/** The generator refuses fewer entities than this. */
const MIN_ENTITIES = 10;

export const GENERATE_USAGE =
  `generate --entities 100000 [--seed N] [--prefix gen] [--batch-size ${DEFAULT_BATCH_SIZE}] ` +
  `[--concurrency ${GENERATE_CONCURRENCY}] [--sources N] [--history]`;

/** The generator's flags, shared with `export --entities`; absent ones take the generator's defaults. */
export const GENERATOR_FLAGS = {
  entities: { type: 'string' },
  seed: { type: 'string' },
  prefix: { type: 'string' },
  sources: { type: 'string' },
  /** Values and relationships that change, end, are retracted or disputed over time (claims). */
  history: { type: 'boolean' },
} as const;

type GeneratorFlagValues = {
  [K in keyof typeof GENERATOR_FLAGS]?: (typeof GENERATOR_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

export function generatorOptions(values: GeneratorFlagValues, usage: string): GenerateOptions {
  const entities = wholeNumber(values.entities, 'entities', 0, usage);
  if (entities < MIN_ENTITIES) throw new UsageError(`--entities is required (at least ${MIN_ENTITIES})`, usage);
  return {
    entities,
    seed: wholeNumber(values.seed, 'seed', undefined, usage),
    prefix: values.prefix,
    sources: wholeNumber(values.sources, 'sources', undefined, usage),
    ...(values.history ? { history: true } : {}),
  };
}

export interface GenerateCommand {
  generate: GenerateOptions;
  batchSize: number;
  concurrency: number;
}

export function parseGenerateArgs(args: string[]): GenerateCommand {
  const { values } = parseCommandArgs(
    args,
    { options: { ...GENERATOR_FLAGS, 'batch-size': { type: 'string' }, concurrency: { type: 'string' } } },
    GENERATE_USAGE,
  );
  return {
    generate: generatorOptions(values, GENERATE_USAGE),
    // 0 means "the default" for the batch size and "one at a time" for the concurrency.
    batchSize:
      wholeNumber(values['batch-size'], 'batch-size', DEFAULT_BATCH_SIZE, GENERATE_USAGE) || DEFAULT_BATCH_SIZE,
    concurrency: wholeNumber(values.concurrency, 'concurrency', GENERATE_CONCURRENCY, GENERATE_USAGE) || 1,
  };
}

export async function runGenerate(args: string[], { config, logger }: CommandContext): Promise<void> {
  const command = parseGenerateArgs(args);
  const { generateGraph } = await import('../graph/generator.js');
  const started = performance.now();
  const data = generateGraph(command.generate);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const relationships = data.relationships.length + data.mentions.reduce((n, m) => n + m.entities.length, 0);
  const counts = `${data.entities.length} entities, ${data.sources.length} sources, ${relationships} relationships`;
  console.error(`Generated ${counts} in ${seconds}s`);
  await withGraph(config, logger, async (opened) => {
    const loadStarted = performance.now();
    const result = await loadGraph(opened.graph.db(), data, {
      batchSize: command.batchSize,
      concurrency: command.concurrency,
      onProgress: progressPerGroup(),
    });
    const loadSeconds = ((performance.now() - loadStarted) / 1000).toFixed(1);
    console.log(`Loaded into ${opened.uri} in ${loadSeconds}s: ${JSON.stringify(result)}`);
  });
}

/** One Progress (stderr) per phase and group: the bulk loader writes the groups one after another. */
export function progressPerGroup(out: ProgressOutput = process.stderr): (progress: LoadProgress) => void {
  let current: { key: string; progress: Progress } | undefined;
  return ({ phase, group, done, total }) => {
    const key = `${phase} ${group}`;
    if (current?.key !== key) {
      current?.progress.finish();
      current = { key, progress: new Progress(`  ${key}`, total, out) };
    }
    current.progress.update(done);
  };
}
