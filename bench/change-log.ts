/**
 * What the change log's one counter costs writers (run by hand: `npm run bench:change-log`; not
 * part of the test suite). The same company upserts (src/graph/writes.ts `upsertEntity`), by
 * CONCURRENCY writers for SECONDS, with the log (in an operation's claim journal, as every
 * GraphQL write runs: the counter locked and the entries created in the write's transaction) and
 * without it (no journal: what a write cost before the log), in alternating rounds so both see
 * the same machine load. Reports writes per second and their ratio.
 *
 *   npm run bench:change-log [-- --seconds 10 --concurrency 1,4,8 --rounds 3]
 *
 * Uses NEO4J_URI when set, else starts a throwaway local Neo4j. Writes bench/results/change-log.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClaimJournal } from '../src/claims/journal.js';
import { parseConfig } from '../src/config.js';
import { upsertEntity } from '../src/graph/writes.js';
import { createDriver, GraphDb, type Db } from '../src/neo4j/db.js';
import { migrate } from '../src/neo4j/migrate.js';
import { benchNeo4j } from './bench-neo4j.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const SECONDS = Number(arg('seconds', '10'));
const CONCURRENCY = arg('concurrency', '1,4,8').split(',').map(Number);
const ROUNDS = Number(arg('rounds', '3'));

/** Upserts for `seconds` by `writers` at once; each write creates a company or changes its country. */
async function writesPerSecond(db: Db, writers: number, seconds: number, logged: boolean, tag: string) {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        const slug = `bench-log-${tag}-${w}-${i % 50}`;
        const write = () =>
          upsertEntity(db, {
            label: 'Company',
            properties: { slug, name: slug, country: i % 2 === 0 ? 'US' : 'FR' },
            provenance: { citations: [], validTo: null, confidence: null },
          });
        await (logged ? withClaimJournal(write) : write());
        done++;
      }
    }),
  );
  return done / seconds;
}

async function main() {
  const neo4j = await benchNeo4j('log');
  const lines: string[] = [];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  try {
    const config = parseConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...neo4j.env });
    const graph = new GraphDb(createDriver({ ...config.neo4j, uri: config.neo4j.uri! }), config.neo4j.database, 30_000);
    const db = graph.db();
    await migrate(db);
    say('# The change log counter: writes per second with and without it');
    say();
    say(`${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; `);
    say(`${SECONDS} s per measurement, ${ROUNDS} alternating rounds, best of each kept.`);
    say();
    say('| writers | without log (writes/s) | with log (writes/s) | with / without |');
    say('|---:|---:|---:|---:|');
    for (const writers of CONCURRENCY) {
      let without = 0;
      let withLog = 0;
      for (let round = 0; round < ROUNDS; round++) {
        without = Math.max(without, await writesPerSecond(db, writers, SECONDS, false, `off${round}`));
        withLog = Math.max(withLog, await writesPerSecond(db, writers, SECONDS, true, `on${round}`));
      }
      say(`| ${writers} | ${without.toFixed(1)} | ${withLog.toFixed(1)} | ${(withLog / without).toFixed(2)} |`);
    }
    await db.write(`MATCH (n:Company) WHERE n.slug STARTS WITH 'bench-log-' DETACH DELETE n`);
    await graph.close();
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/change-log.md'), `${lines.join('\n')}\n`);
  } finally {
    await neo4j.stop();
  }
}

await main();
