/** `npm run neo4j:start` / `neo4j:stop`: the project's local Neo4j (NEO4J_DATA_DIR), detached. */
import { localNeo4jCredentials, runningServer, startLocalNeo4j, stopLocalNeo4j } from '../neo4j/local-server.js';
import { type CommandContext, parseNoArgs } from './args.js';

const NEO4J_START_USAGE = 'neo4j:start   (starts the local Neo4j in the background, or reports the running one)';
const NEO4J_STOP_USAGE = 'neo4j:stop   (stops the local Neo4j of this data directory)';

export async function runNeo4jStart(args: string[], { config }: CommandContext): Promise<void> {
  parseNoArgs(args, NEO4J_START_USAGE);
  const running = await runningServer(config.neo4j.dataDir);
  const server =
    running ??
    (await startLocalNeo4j({
      dataDir: config.neo4j.dataDir,
      heap: config.neo4j.heap,
      pageCache: config.neo4j.pageCache,
      mode: 'detached',
      log: (m) => console.error(m),
    }));
  const { user, passwordFile } = localNeo4jCredentials(config.neo4j.dataDir);
  console.log(
    `Neo4j is running at ${server.uri} (user ${user}, password in ${passwordFile}).\n` +
      'With NEO4J_URI unset, `npm start` and the other commands find it and sign in by themselves.\n' +
      `Other clients: NEO4J_URI=${server.uri} NEO4J_USER=${user} NEO4J_PASSWORD="$(cat ${passwordFile})"`,
  );
}

export async function runNeo4jStop(args: string[], { config }: CommandContext): Promise<void> {
  parseNoArgs(args, NEO4J_STOP_USAGE);
  const stopped = await stopLocalNeo4j(config.neo4j.dataDir);
  console.log(stopped ? 'Neo4j stopped.' : 'No local Neo4j was running for this data directory.');
}
