/**
 * Graph algorithms (algorithms.ts) run off the event loop, in worker threads
 * (algorithm-worker.ts), each with a time limit: an algorithm still running at ALGORITHM_TIMEOUT_MS
 * is stopped (its worker terminated) and answers TIMEOUT, as a traversal does. The event loop
 * stays free meanwhile, so the server goes on answering other requests, /health included.
 *
 * Workers are kept between tasks (starting one loads graphology, and under tsx compiles the
 * sources: up to a second), at most `size` of them; a task waits for a free worker. A worker's
 * start-up is not counted in a task's time limit; its computing is. Idle workers do not keep the
 * process alive. Only ids, names and the ends of relationships cross to a worker, and answers
 * come back as ids, mapped to the caller's rows here.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { timedOut } from '../errors.js';
import type { Centrality } from './algorithms.js';
import type { EntityRow } from './entities.js';
import type { CommunitiesResult, SubgraphRow } from './rows.js';

/** What crosses to a worker: the neighbourhood as ids, names and relationship ends. */
export interface AlgorithmGraph {
  nodes: Array<{ id: string; name: string }>;
  relationships: Array<{ from: string; to: string }>;
}

/** What to compute, on which graph. */
export type AlgorithmWork = { graph: AlgorithmGraph } & (
  | { kind: 'centrality'; by: Centrality }
  | { kind: 'communities' }
);

export type AlgorithmTask = AlgorithmWork & { id: number };

export type AlgorithmResult =
  | { kind: 'centrality'; scores: Map<string, number> }
  | {
      kind: 'communities';
      modularity: number;
      communities: Array<{ index: number; internalRelationships: number; entityIds: string[] }>;
    };

export type AlgorithmAnswer =
  | { id: number; ok: true; result: AlgorithmResult }
  | { id: number; ok: false; message: string };

/** Heap of one worker: an algorithm that needs more fails alone instead of taking the server's memory. */
const WORKER_HEAP_MB = 512;

/** A task handed to the pool, until it is answered. */
interface Pending {
  task: AlgorithmTask;
  timeoutMs: number;
  resolve: (result: AlgorithmResult) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The task it computes (or will, once ready). */
  current?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * Where the worker's code is: next to this module, `.js` in the compiled build. From the
 * TypeScript sources (tsx, vitest) a bootstrap loads it through tsx, since Node 20 does not apply
 * the parent's module loaders to a worker.
 */
function workerEntry(): { file: URL; workerData?: { entry: string } } {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  if (!fromSources) return { file: new URL('./algorithm-worker.js', import.meta.url) };
  return {
    file: new URL('./algorithm-worker-tsx.mjs', import.meta.url),
    workerData: { entry: new URL('./algorithm-worker.ts', import.meta.url).href },
  };
}

export class AlgorithmWorkers {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers stopped at their time limit since this pool was made. */
  terminated = 0;

  constructor(readonly size: number) {}

  /** Workers computing a task now. */
  get busy(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.ready && slot.current) n += 1;
    return n;
  }

  /** `run` for one centrality: every entity's score. */
  async centrality(subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>, by: Centrality, timeoutMs: number) {
    const result = await this.run({ kind: 'centrality', by, graph: toAlgorithmGraph(subgraph) }, timeoutMs);
    if (result.kind !== 'centrality') throw new Error('algorithm worker answered another task');
    return result.scores;
  }

  /** `run` for Louvain communities, with the caller's entity rows. */
  async communities(
    subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>,
    timeoutMs: number,
  ): Promise<CommunitiesResult> {
    const result = await this.run({ kind: 'communities', graph: toAlgorithmGraph(subgraph) }, timeoutMs);
    if (result.kind !== 'communities') throw new Error('algorithm worker answered another task');
    const byId = new Map<string, EntityRow>(subgraph.nodes.map((n) => [n.id, n]));
    return {
      modularity: result.modularity,
      communities: result.communities.map((c) => ({
        index: c.index,
        entities: c.entityIds.map((id) => byId.get(id)!),
        internalRelationships: c.internalRelationships,
      })),
    };
  }

  /** Computes `work` in a worker; TIMEOUT (ALGORITHM_TIMEOUT_MS) when it computes past `timeoutMs`. */
  run(work: AlgorithmWork, timeoutMs: number): Promise<AlgorithmResult> {
    if (this.closed) return Promise.reject(new Error('The algorithm workers are closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { ...work, id: this.nextId++ }, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker; tasks not answered yet fail. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('The algorithm workers are closed');
    for (const pending of this.queue.splice(0)) pending.reject(error);
    await Promise.all([...this.slots].map((slot) => this.drop(slot, error)));
  }

  /** Hands waiting tasks to idle workers, starting workers while there are fewer than `size`. */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.ready && !s.current);
      if (!slot && this.slots.size < this.size) slot = this.start();
      if (!slot) return;
      slot.current = this.queue.shift()!;
      if (slot.ready) this.send(slot);
    }
  }

  private start(): Slot {
    const { file, workerData } = workerEntry();
    const worker = new Worker(file, { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    worker.on('message', (message: 'ready' | AlgorithmAnswer) => {
      if (message === 'ready') {
        slot.ready = true;
        if (slot.current) this.send(slot);
        else worker.unref();
        this.pump();
        return;
      }
      const pending = slot.current;
      if (!pending || pending.task.id !== message.id) return;
      clearTimeout(slot.timer);
      slot.current = undefined;
      worker.unref();
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(message.message));
      this.pump();
    });
    worker.on('error', (error) => void this.drop(slot, workerFailure(error)));
    worker.on('exit', () => void this.drop(slot, new Error('The algorithm worker stopped')));
    return slot;
  }

  private send(slot: Slot): void {
    const pending = slot.current!;
    slot.worker.ref(); // a task in progress keeps the process alive until it is answered
    slot.timer = setTimeout(() => {
      this.terminated += 1;
      void this.drop(slot, timedOut('ALGORITHM_TIMEOUT_MS', pending.timeoutMs));
    }, pending.timeoutMs);
    slot.worker.postMessage(pending.task);
  }

  /** Removes a worker: its task (if any) fails with `error`, the worker is terminated. */
  private async drop(slot: Slot, error: unknown): Promise<void> {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.timer);
    slot.current?.reject(error);
    slot.current = undefined;
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}

function workerFailure(error: Error): Error {
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new Error(`The algorithm needed more than its worker's ${WORKER_HEAP_MB} MB of memory`);
  return error;
}

function toAlgorithmGraph(subgraph: Pick<SubgraphRow, 'nodes' | 'relationships'>): AlgorithmGraph {
  return {
    nodes: subgraph.nodes.map((n) => ({ id: n.id, name: n.name })),
    relationships: subgraph.relationships.map((r) => ({ from: r.from, to: r.to })),
  };
}

/** The process's pool: one worker per spare core, 1 to 4. */
export const algorithmWorkers = new AlgorithmWorkers(Math.max(1, Math.min(4, availableParallelism() - 1)));
