/**
 * `npm run persisted:build [out.json]`: writes the trusted-documents manifest from GraphiQL's
 * examples (schema/examples/) and the explorer's documents (explorer/, when present), for
 * PERSISTED_OPERATIONS=allow|only. Clients send `extensions.persistedQuery.sha256Hash`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildManifest } from '../trusted/manifest.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = process.argv[2] ?? `${root}schema/persisted-operations.json`;
const { manifest, files } = buildManifest([`${root}schema/examples`, `${root}explorer`]);
writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Wrote ${Object.keys(manifest).length} trusted documents (from ${files.length} files) to ${out}`);
