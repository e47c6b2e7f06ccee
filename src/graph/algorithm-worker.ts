/**
 * The worker thread of algorithm-workers.ts: computes one task at a time with algorithms.ts and
 * answers it by id. It says `ready` once its modules are loaded.
 */
import { parentPort } from 'node:worker_threads';
import type { AlgorithmAnswer, AlgorithmResult, AlgorithmTask } from './algorithm-workers.js';
import { centralityScores, louvainCommunities } from './algorithms.js';
import type { EntityRow } from './entities.js';
import type { RelationshipRow } from './rows.js';

function compute(task: AlgorithmTask): AlgorithmResult {
  // Only ids and names reach the worker: all that the algorithms and their orderings read.
  const subgraph = {
    nodes: task.graph.nodes as EntityRow[],
    relationships: task.graph.relationships as RelationshipRow[],
  };
  if (task.kind === 'centrality') return { kind: 'centrality', scores: centralityScores(subgraph, task.by) };
  const found = louvainCommunities(subgraph);
  return {
    kind: 'communities',
    modularity: found.modularity,
    communities: found.communities.map((c) => ({
      index: c.index,
      internalRelationships: c.internalRelationships,
      entityIds: c.entities.map((e) => e.id),
    })),
  };
}

const port = parentPort;
if (!port) throw new Error('algorithm-worker runs as a worker thread');
port.on('message', (task: AlgorithmTask) => {
  let answer: AlgorithmAnswer;
  try {
    answer = { id: task.id, ok: true, result: compute(task) };
  } catch (error) {
    answer = { id: task.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
port.postMessage('ready');
