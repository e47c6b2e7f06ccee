/**
 * Argument parsing shared by the commands: `node:util` `parseArgs` in strict mode, with every
 * mistake (unknown flag, missing value, stray argument, bad number) thrown as a UsageError that
 * main.ts prints with the command's usage and exit code 2. `--help` / `-h` prints the usage.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** What every command gets from main.ts. */
export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** A command line that cannot be run as given: printed with `usage`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` was given: main.ts prints `usage` on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

type CommandArgsConfig = Omit<ParseArgsConfig, 'args' | 'strict' | 'tokens'>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

const isParseArgsError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');

/**
 * Parses `args` strictly against `config.options` (plus `--help`); positionals only when
 * `config.allowPositionals` says so.
 */
export function parseCommandArgs<const T extends CommandArgsConfig>(args: string[], config: T, usage: string) {
  let parsed: ReturnType<typeof parseArgs<T & { args: string[]; strict: true; options: T['options'] & typeof HELP }>>;
  try {
    parsed = parseArgs({ ...config, args, strict: true, options: { ...config.options, ...HELP } });
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(error.message, usage);
    throw error;
  }
  if ((parsed.values as { help?: boolean }).help) throw new HelpRequested(usage);
  return parsed;
}

/** A command that takes no arguments at all (only `--help`). */
export function parseNoArgs(args: string[], usage: string): void {
  parseCommandArgs(args, { options: {} }, usage);
}

/** `raw` as a whole number ≥ 0, `fallback` when the flag was not given. */
export function wholeNumber<F extends number | undefined>(
  raw: string | undefined,
  name: string,
  fallback: F,
  usage: string,
): number | F {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} must be a whole number`, usage);
  return value;
}
