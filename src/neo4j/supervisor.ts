/**
 * Keeps the local Neo4j that stargraph started running: when its process exits unexpectedly (a
 * crash, the kernel's OOM killer, kill -9), it is started again on the same data directory and
 * port, after a backoff, at most `maxRestarts` times per `windowMs`; past that the supervisor
 * gives up loudly and stays `failed` (readiness stays 503). Neo4j recovers its transaction log by
 * itself on start, and the driver reconnects to the same URI, so the API needs no restart.
 *
 * Only a Neo4j this process started is supervised: one reused from another process, or named by
 * NEO4J_URI, is never started by us.
 */
import type { LocalNeo4j, LocalNeo4jExit } from './local-server.js';

export type SupervisorState = 'running' | 'restarting' | 'failed' | 'stopped';

export interface SupervisorPolicy {
  /** Restarts allowed within `windowMs`; one more exit past that and the supervisor gives up. */
  maxRestarts: number;
  windowMs: number;
  /** Wait before the 1st, 2nd, ... restart within the window (the last value repeats). */
  backoffMs: number[];
}

export const DEFAULT_POLICY: SupervisorPolicy = {
  maxRestarts: 5,
  windowMs: 10 * 60_000,
  backoffMs: [500, 2_000, 5_000, 15_000, 30_000],
};

export interface SupervisorEvents {
  /** The process exited without being asked to: the database is away from now on. */
  onUnexpectedExit?(exit: LocalNeo4jExit): void;
  /** A restart is up and listening again. */
  onRestarted?(server: LocalNeo4j, downMs: number): void;
  /** Too many exits within the window: no more restarts. */
  onGaveUp?(reason: string): void;
}

export interface SupervisorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export class Neo4jSupervisor {
  private server: LocalNeo4j | undefined;
  private current: SupervisorState = 'running';
  private stopping = false;
  /** When each restart in the current window was attempted. */
  private attempts: number[] = [];
  private wake: (() => void) | undefined;
  private restarting: Promise<void> | undefined;
  private gaveUpReason: string | undefined;

  constructor(
    /** Starts the server (same data directory and port every time). */
    private readonly start: () => Promise<LocalNeo4j>,
    private readonly log: SupervisorLog,
    private readonly policy: SupervisorPolicy = DEFAULT_POLICY,
    private readonly events: SupervisorEvents = {},
  ) {}

  /** The first start; its failure is the caller's (start-up fails, nothing is retried). */
  async begin(): Promise<LocalNeo4j> {
    const server = await this.start();
    this.server = server;
    this.watch(server);
    return server;
  }

  get state(): SupervisorState {
    return this.current;
  }

  /** Why it gave up, once `failed`. */
  get failure(): string | undefined {
    return this.gaveUpReason;
  }

  /** The server now running (undefined while restarting or after giving up). */
  get running(): LocalNeo4j | undefined {
    return this.current === 'running' ? this.server : undefined;
  }

  /** Restarts so far within the window. */
  get restartsInWindow(): number {
    this.prune();
    return this.attempts.length;
  }

  private watch(server: LocalNeo4j): void {
    if (!server.exited) {
      this.log.warn('The local Neo4j was started by another process; it is used but not supervised', {
        uri: server.uri,
      });
      return;
    }
    void server.exited.then((exit) => {
      if (this.stopping || server !== this.server) return;
      this.current = 'restarting';
      this.log.error('The local Neo4j exited unexpectedly; restarting it', {
        pid: server.pid,
        code: exit.code,
        signal: exit.signal,
      });
      this.events.onUnexpectedExit?.(exit);
      this.restarting = this.restartLoop(Date.now()).finally(() => {
        this.restarting = undefined;
      });
    });
  }

  private prune(): void {
    const since = Date.now() - this.policy.windowMs;
    this.attempts = this.attempts.filter((t) => t > since);
  }

  private async restartLoop(downSince: number): Promise<void> {
    while (!this.stopping) {
      this.prune();
      if (this.attempts.length >= this.policy.maxRestarts) {
        const windowSeconds = Math.round(this.policy.windowMs / 1000);
        this.gaveUpReason =
          `the local Neo4j exited ${this.attempts.length + 1} times within ${windowSeconds} s; ` +
          'not restarting it again (see launcher.log in its data directory, then restart stargraph)';
        this.current = 'failed';
        this.log.error(`Giving up: ${this.gaveUpReason}`);
        this.events.onGaveUp?.(this.gaveUpReason);
        return;
      }
      const backoff = this.policy.backoffMs[Math.min(this.attempts.length, this.policy.backoffMs.length - 1)] ?? 0;
      this.attempts.push(Date.now());
      await this.sleep(backoff);
      if (this.stopping) return;
      try {
        const server = await this.start();
        if (this.stopping) {
          await server.stop();
          return;
        }
        this.server = server;
        this.current = 'running';
        const downMs = Date.now() - downSince;
        this.log.info('The local Neo4j is running again', {
          uri: server.uri,
          pid: server.pid,
          downMs,
          restartsInWindow: this.attempts.length,
        });
        this.watch(server);
        this.events.onRestarted?.(server, downMs);
        return;
      } catch (error) {
        this.log.error('Restarting the local Neo4j failed', {
          error: (error as Error).message.slice(0, 500),
          attempt: this.attempts.length,
        });
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((ok) => {
      const timer = setTimeout(ok, ms);
      this.wake = () => {
        clearTimeout(timer);
        ok();
      };
    });
  }

  /** Stops supervising and stops the server (waits for a restart under way to finish first). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.current = 'stopped';
    this.wake?.();
    await this.restarting;
    await this.server?.stop();
  }
}
