/** The walk's read tree types under their former module name, for cypher.ts until it imports walk.ts. */
export * from './walk.js';
