/**
 * Loads algorithm-worker.ts through tsx in a worker thread, when the server runs from its
 * TypeScript sources (npm start, vitest): Node 20 does not apply the parent's loaders to workers.
 * The compiled build starts algorithm-worker.js directly.
 */
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
