import { isCompositeType } from 'graphql';
import { schema } from '../schema/index.js';
import { derivedTypeNames } from './changes.js';

let cached: string[] | undefined;

/** The schema's composite types that are not a single entity or source (see changes.ts). */
export function schemaDerivedTypes(): string[] {
  cached ??= derivedTypeNames(
    Object.values(schema.getTypeMap())
      .filter(isCompositeType)
      .map((type) => type.name),
  );
  return cached;
}
