/**
 * The Claim constraint and indexes, set aside while the start-up upgrade writes most of the graph's
 * claims (src/claims/upgrade.ts): building an index once over every claim costs less than inserting
 * each claim into it one at a time, and the upgrade reads none of them. They are put back as they
 * were (their own CREATE statements, as the server reports them) when it ends; a server stopped
 * in between gets them back from cypher/schema at its next start, before any read.
 */
import { Neo4jError } from 'neo4j-driver';
import type { Logger } from '../logger.js';
import type { Db } from '../neo4j/db.js';

/** How often the rebuild is checked, and how often it logs a progress line. */
const POLL_MS = 2_000;
const LOG_EVERY_MS = 10_000;

/** The Claim constraints (with their own indexes), then the other Claim indexes. */
const CLAIM_SCHEMA = [
  `SHOW CONSTRAINTS YIELD name, labelsOrTypes, createStatement
   WHERE 'Claim' IN labelsOrTypes RETURN name, createStatement, true AS constraint`,
  `SHOW INDEXES YIELD name, labelsOrTypes, owningConstraint, createStatement
   WHERE 'Claim' IN labelsOrTypes AND owningConstraint IS NULL RETURN name, createStatement, false AS constraint`,
];

/** Drops every constraint and index on Claim; returns the statements that create them again. */
export async function dropClaimIndexes(db: Db, logger: Logger): Promise<string[]> {
  const rules = [...(await db.read(CLAIM_SCHEMA[0]!)), ...(await db.read(CLAIM_SCHEMA[1]!))];
  for (const rule of rules) {
    // Names as the server reports them, quoted: nothing from a request.
    const name = `\`${String(rule.name).replaceAll('`', '``')}\``;
    await db.write(
      rule.constraint ? `DROP CONSTRAINT ${name} IF EXISTS` : `DROP INDEX ${name} IF EXISTS`,
      {},
      {
        timeoutMs: 0,
      },
    );
  }
  if (rules.length > 0) logger.info('Upgrading the graph to claims: Claim indexes set aside', { rules: rules.length });
  return rules.map((rule) => String(rule.createStatement));
}

/** Creates the dropped rules again (another server may have already) and waits until they are online. */
export async function rebuildClaimIndexes(db: Db, logger: Logger, statements: string[]): Promise<void> {
  // A constraint is built before its CREATE returns: say so first, as that takes a while.
  logger.info('Upgrading the graph to claims: building Claim indexes', { building: statements.length, percent: 0 });
  for (const statement of statements) {
    try {
      // A constraint over millions of claims takes longer than a request may: no timeout.
      await db.write(statement, {}, { timeoutMs: 0 });
    } catch (error) {
      if (!(error instanceof Neo4jError && /AlreadyExists/.test(error.code))) throw error;
    }
  }
  const started = performance.now();
  let logged = started;
  for (;;) {
    const indexes = await db.read(
      `SHOW INDEXES YIELD name, labelsOrTypes, state, populationPercent
       WHERE 'Claim' IN labelsOrTypes RETURN name, state, populationPercent`,
    );
    const failed = indexes.find((index) => index.state === 'FAILED');
    if (failed) throw new Error(`The Claim index ${String(failed.name)} failed to build`);
    const building = indexes.filter((index) => index.state !== 'ONLINE');
    if (building.length === 0) break;
    if (performance.now() - logged >= LOG_EVERY_MS) {
      logged = performance.now();
      const percent = Math.round(Math.min(...building.map((index) => Number(index.populationPercent))));
      logger.info('Upgrading the graph to claims: building Claim indexes', { building: building.length, percent });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  logger.info('Upgrading the graph to claims: Claim indexes online', { rules: statements.length, seconds });
}
