/** `importGraph`: a batch of entities, sources and relationships, written in one transaction. */
import { limitExceeded } from '../errors.js';
import { importInputToGraphData } from '../graph/import-input.js';
import { importSchema, type ImportInput, type Provenance, type RelationshipInput } from '../graph/write-input.js';
import { importGraph } from '../graph/writes.js';
import { importedChange, importedLabels } from '../live/changes.js';
import { builder } from './builder.js';
import { UpsertCompanyInput } from './company.js';
import { UpsertDatacenterInput } from './datacenter.js';
import { UpsertDealInput } from './deal.js';
import { RelationshipTypeEnum } from './enums.js';
import { committed, inputArgsSchema, rawSourceId } from './mutation-support.js';
import { ImportGraphPayload } from './payloads.js';
import { UpsertPersonInput } from './person.js';
import { UpsertProjectInput } from './project.js';
import { AddSourceInputRef } from './source.js';
import { RelationshipPropertiesInputRef, provenanceFields } from './write-fields.js';

/** Rows one importGraph request may carry; the CLI is for anything bigger. */
export const MAX_IMPORT_ITEMS = 10_000;

const ImportRelationshipInput = builder.inputRef<RelationshipInput & Provenance>('ImportRelationshipInput').implement({
  fields: (t) => ({
    type: t.field({ type: RelationshipTypeEnum, required: true }),
    from: t.string({
      required: true,
      description: 'Slug of the start entity (in this batch or already in the graph).',
    }),
    to: t.string({ required: true, description: 'Slug of the end entity.' }),
    properties: t.field({ type: RelationshipPropertiesInputRef }),
    ...provenanceFields(t),
  }),
});

const ImportGraphInput = builder.inputRef<ImportInput>('ImportGraphInput').implement({
  description:
    `A batch written in one transaction (all or nothing), at most ${MAX_IMPORT_ITEMS} items. ` +
    'References are slugs.',
  fields: (t) => ({
    people: t.field({ type: [UpsertPersonInput] }),
    companies: t.field({ type: [UpsertCompanyInput] }),
    projects: t.field({ type: [UpsertProjectInput] }),
    datacenters: t.field({ type: [UpsertDatacenterInput] }),
    deals: t.field({ type: [UpsertDealInput] }),
    sources: t.field({ type: [AddSourceInputRef] }),
    relationships: t.field({ type: [ImportRelationshipInput] }),
  }),
});

builder.mutationField('importGraph', (t) =>
  t.field({
    type: ImportGraphPayload,
    description:
      'Writes a batch of entities, sources and relationships in ONE transaction: all of it, or nothing and an error.',
    args: { input: t.arg({ type: ImportGraphInput, required: true }) },
    validate: inputArgsSchema(importSchema),
    resolve: async (_root, { input }, ctx) => {
      const data = importInputToGraphData(input, rawSourceId);
      const items = data.entities.length + data.sources.length + data.relationships.length + data.mentions.length;
      if (items > MAX_IMPORT_ITEMS)
        throw limitExceeded('MAX_IMPORT_ITEMS', MAX_IMPORT_ITEMS, items, 'importGraph items');
      const result = await importGraph(ctx.db, data);
      await committed(ctx, importedChange(result, importedLabels(data), data.sources.length > 0));
      return result;
    },
  }),
);
