/** Imports every type's file (each registers its type and root fields) and builds the schema. */
import { builder } from './builder.js';
import './graph-stats.js';

export const schema = builder.toSchema({ sortSchema: false });
