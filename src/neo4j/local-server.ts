/**
 * Starts the project's own Neo4j Community server (embedded in a small Java launcher, jars from
 * Maven Central) when no NEO4J_URI is given. One server per data directory: a second caller
 * for the same directory reuses the running one. Auth is on: user `neo4j` signs in with the
 * password kept in the data directory (PASSWORD_FILE, mode 0600), generated on its first start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAUNCHER_DIR = fileURLToPath(new URL('../../neo4j-local/', import.meta.url));
const POM = join(LAUNCHER_DIR, 'pom.xml');
const SOURCE = join(LAUNCHER_DIR, 'src/main/java/stargraph/LocalNeo4j.java');
const TARGET = join(LAUNCHER_DIR, 'target');
const CLASSPATH_FILE = join(TARGET, 'classpath.txt');
const READY_MARK = 'STARGRAPH_NEO4J_READY ';
const STATE_FILE = 'stargraph-neo4j.json';
/** The local Neo4j's password, inside its data directory, readable by its owner only. */
export const PASSWORD_FILE = 'stargraph-password';
/** The user stargraph signs in as on the local Neo4j. */
export const LOCAL_NEO4J_USER = 'neo4j';

/** JVM flags Neo4j's own launcher passes; the embedded JVM needs them too. */
export const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+UseG1GC',
];

export class LocalNeo4jError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalNeo4jError';
  }
}

const HOW_ELSE =
  'Or point stargraph at a running Neo4j with NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), ' +
  'or run everything with `docker compose up`.';

/** The Neo4j version pinned in neo4j-local/pom.xml, the single place it is declared. */
export function pinnedNeo4jVersion(): string {
  const match = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match?.[1]) throw new LocalNeo4jError(`No <neo4j.version> in ${POM}`);
  return match[1];
}

export function javaBinary(): string {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
}

function javacBinary(): string {
  const home = process.env.JAVA_HOME;
  return home && existsSync(join(home, 'bin', 'javac')) ? join(home, 'bin', 'javac') : 'javac';
}

/** Checks Java 17+ (with javac) and Maven are there, with one message saying what to install. */
export function checkPrerequisites(): { javaMajor: number } {
  const java = spawnSync(javaBinary(), ['-version'], { encoding: 'utf8' });
  const versionText = `${java.stderr ?? ''}${java.stdout ?? ''}`;
  const major = Number(/version "(\d+)/.exec(versionText)?.[1] ?? NaN);
  const javac = spawnSync(javacBinary(), ['-version'], { encoding: 'utf8' });
  const mvn = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  const missing: string[] = [];
  if (java.error || Number.isNaN(major)) missing.push('a Java 17+ JDK (java was not found)');
  else if (major < 17) missing.push(`Java 17 or later (found Java ${major})`);
  else if (javac.error) missing.push('a full JDK with javac (only a JRE was found)');
  if (mvn.error) missing.push('Maven 3.8+ (mvn was not found)');
  if (missing.length > 0) {
    throw new LocalNeo4jError(
      `stargraph starts its own Neo4j when NEO4J_URI is not set, and for that it needs ${missing.join(' and ')}. ` +
        `Install what is missing (for example: apt-get install openjdk-17-jdk-headless maven). ${HOW_ELSE}`,
    );
  }
  return { javaMajor: major };
}

function newerThan(file: string, ...sources: string[]): boolean {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= built);
}

/** Resolves the jars (Maven, cached in ~/.m2) and compiles the launcher, when out of date. */
export function buildLauncher(log: (msg: string) => void = () => {}): string {
  checkPrerequisites();
  mkdirSync(TARGET, { recursive: true });
  if (!newerThan(CLASSPATH_FILE, POM)) {
    log('Resolving Neo4j jars with Maven (first run downloads them; later runs reuse ~/.m2)...');
    const mvn = spawnSync(
      'mvn',
      ['-B', '-q', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${CLASSPATH_FILE}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (mvn.status !== 0) {
      rmSync(CLASSPATH_FILE, { force: true });
      throw new LocalNeo4jError(
        `Maven could not resolve the Neo4j jars:\n${(mvn.stdout + mvn.stderr).slice(-3000)}\n${HOW_ELSE}`,
      );
    }
  }
  const classpath = readFileSync(CLASSPATH_FILE, 'utf8').trim();
  // One directory per launcher source: checkouts of different versions sharing target/ each run
  // their own launcher (its arguments change between versions), whatever the files' times.
  const digest = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const classes = join(TARGET, `classes-${digest}`);
  const compiled = join(classes, 'stargraph', 'LocalNeo4j.class');
  if (!newerThan(compiled, CLASSPATH_FILE)) {
    mkdirSync(classes, { recursive: true });
    const javac = spawnSync(javacBinary(), ['-cp', classpath, '-d', classes, SOURCE], { encoding: 'utf8' });
    if (javac.status !== 0) throw new LocalNeo4jError(`Compiling the Neo4j launcher failed:\n${javac.stderr}`);
  }
  return `${classes}:${classpath}`;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((ok) => {
    const socket = createConnection({ port, host });
    const done = (answer: boolean) => {
      socket.destroy();
      ok(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Is `pid` our launcher for this data directory? A state file can outlive its process (a
 * reboot, a kill -9), and its pid may since belong to something else we must never signal.
 * Where /proc is missing (macOS), a live pid is the best we can check.
 */
function isOurServer(pid: number, dataDir: string): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('stargraph.LocalNeo4j') && cmdline.includes(dataDir);
  } catch {
    return true;
  }
}

function toBytes(size: string): number {
  const n = Number.parseInt(size, 10);
  return /g$/i.test(size) ? n * 1024 ** 3 : n * 1024 ** 2;
}

export interface LocalNeo4jCredentials {
  user: string;
  password: string;
  /** Where the password is kept. */
  passwordFile: string;
}

/**
 * A new local password: 24 random bytes as 32 base64url characters, never starting with "-" or
 * "_", so that no command line (the launcher's, or a user's `cypher-shell -p`) takes it for an
 * option.
 */
export function newLocalPassword(): string {
  for (;;) {
    const password = randomBytes(24).toString('base64url');
    if (/^[A-Za-z0-9]/.test(password)) return password;
  }
}

/**
 * The local Neo4j's credentials for a data directory: the password in its PASSWORD_FILE, made
 * (24 random bytes, 32 characters) when the file is missing. The file is kept at mode 0600.
 * Creating the data directory is part of it, so the password exists before any store does.
 */
export function localNeo4jCredentials(dataDirOption: string): LocalNeo4jCredentials {
  const dataDir = resolve(dataDirOption);
  const passwordFile = join(dataDir, PASSWORD_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one writes and both read the same password.
    writeFileSync(passwordFile, `${newLocalPassword()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(passwordFile).mode & 0o077) !== 0) chmodSync(passwordFile, 0o600);
  const password = readFileSync(passwordFile, 'utf8').replace(/[\r\n]+$/, '');
  if (password.length === 0) {
    throw new LocalNeo4jError(`${passwordFile} is empty; delete it to have a new password generated on the next start`);
  }
  return { user: LOCAL_NEO4J_USER, password, passwordFile };
}

interface ServerState {
  pid: number;
  port: number;
  uri: string;
}

function readState(dataDir: string): ServerState | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, STATE_FILE), 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
}

/** A server already running for this data directory, if its process and Bolt port answer. */
export async function runningServer(dataDir: string): Promise<ServerState | undefined> {
  const state = readState(resolve(dataDir));
  if (state && isOurServer(state.pid, resolve(dataDir)) && (await portAnswers(state.port))) return state;
  return undefined;
}

export interface LocalNeo4jOptions {
  dataDir: string;
  heap: string;
  pageCache: string;
  /** Bolt port; a free one is picked when omitted. */
  port?: number;
  /**
   * attached: the server lives and dies with this process (it exits when our stdin pipe closes,
   * so even a SIGKILLed parent leaves no JVM). detached: it keeps running for `neo4j:stop`.
   */
  mode: 'attached' | 'detached';
  log?: (msg: string) => void;
  /** Default 300 s: a JVM on a starved machine can take minutes; failing sooner helps nobody. */
  startTimeoutMs?: number;
}

export interface LocalNeo4jExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LocalNeo4j {
  uri: string;
  /** Sign in with these: `neo4j` and the data directory's password. */
  user: string;
  password: string;
  /** Bolt port it listens on (a restart must use the same one: clients hold the URI). */
  port: number;
  /** true when a server already running for this data directory was reused. */
  reused: boolean;
  /** The JVM's process id (the launcher runs Neo4j in-process), when known. */
  pid: number | undefined;
  /**
   * Settles when the JVM this call started exits, for any reason (stop(), a crash, kill -9).
   * Undefined for a reused server: it is not our child, so its exit cannot be watched.
   */
  exited: Promise<LocalNeo4jExit> | undefined;
  /** Stops the server if this call started it (a reused one is left to its owner). */
  stop(): Promise<void>;
}

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const { user, password, passwordFile } = localNeo4jCredentials(dataDir);
  const existing = await runningServer(dataDir);
  if (existing) {
    log(`Reusing the local Neo4j already running for ${dataDir} at ${existing.uri}`);
    return {
      uri: existing.uri,
      user,
      password,
      port: existing.port,
      reused: true,
      pid: existing.pid,
      exited: undefined,
      stop: async () => {},
    };
  }

  const classpath = buildLauncher(log);
  const port = options.port ?? (await freePort());
  const args = [
    `-Xms${options.heap}`,
    `-Xmx${options.heap}`,
    ...JVM_FLAGS,
    '-cp',
    classpath,
    'stargraph.LocalNeo4j',
    dataDir,
    String(port),
    String(toBytes(options.pageCache)),
    passwordFile,
    ...(options.mode === 'attached' ? ['--watch-stdin'] : []),
  ];
  const logFile = join(dataDir, 'launcher.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(javaBinary(), args, {
    detached: options.mode === 'detached',
    stdio: [options.mode === 'attached' ? 'pipe' : 'ignore', 'pipe', logFd],
  });
  closeSync(logFd);
  // Watch from the first moment, so an exit during start-up is seen as well.
  const exited = new Promise<LocalNeo4jExit>((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  log(`Starting local Neo4j ${pinnedNeo4jVersion()} (data in ${dataDir}, Bolt port ${port})...`);

  const uri = await waitForReady(child, port, logFile, options.startTimeoutMs ?? 300_000);
  writeFileSync(join(dataDir, STATE_FILE), JSON.stringify({ pid: child.pid, port, uri }));
  if (options.mode === 'detached') {
    child.stdout?.destroy();
    child.unref();
  }
  return {
    uri,
    user,
    password,
    port,
    reused: false,
    pid: child.pid,
    exited: options.mode === 'attached' ? exited : undefined,
    stop: () => stopProcess(child.pid!, dataDir),
  };
}

function waitForReady(child: ChildProcess, port: number, logFile: string, timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new LocalNeo4jError(`Neo4j did not start within ${timeoutMs / 1000}s; see ${logFile}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
      fail(new LocalNeo4jError(`Neo4j exited during start-up (code ${code}); ${logFile} says:\n${tail}`));
    };
    child.once('exit', onExit);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith(READY_MARK));
      if (!line) return;
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume(); // keep draining so the JVM never blocks on a full pipe
      void (async () => {
        // build() returned, so Bolt is bound; still check, since that is what clients need.
        for (let i = 0; i < 50 && !(await portAnswers(port)); i++) await new Promise((r) => setTimeout(r, 100));
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        ok(line.slice(READY_MARK.length).trim());
      })();
    });
  });
}

async function stopProcess(pid: number, dataDir: string, graceMs = 60_000): Promise<void> {
  if (pidAlive(pid)) {
    process.kill(pid, 'SIGTERM'); // the launcher's shutdown hook closes the store cleanly
    const deadline = Date.now() + graceMs;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  const state = readState(dataDir);
  if (state?.pid === pid) rmSync(join(dataDir, STATE_FILE), { force: true });
}

/** Stops the server running for a data directory (used by `npm run neo4j:stop`). */
export async function stopLocalNeo4j(dataDirOption: string): Promise<boolean> {
  const dataDir = resolve(dataDirOption);
  const state = readState(dataDir);
  if (!state || !isOurServer(state.pid, dataDir)) {
    rmSync(join(dataDir, STATE_FILE), { force: true });
    return false;
  }
  await stopProcess(state.pid, dataDir);
  return true;
}
