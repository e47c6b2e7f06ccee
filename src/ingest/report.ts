/**
 * Prints the extractor's precision and recall against the gold set, per category, for the tuning
 * documents and the held-out ones apart: `npx tsx src/ingest/report.ts`. While rules change, run
 * it with `--tuning`, which leaves the held-out documents out, and `--errors`, which lists what
 * each tuning document missed and proposed wrongly. Held-out documents are only ever reported in
 * aggregate, and only once rules are settled, so no rule is tuned on them.
 */
import { type DocumentEvaluation, evaluate, type Score, summarize } from './evaluate.js';
import { extract } from './extract.js';
import { type GoldDocument, loadGoldSet, seedGazetteer } from './gold-set.js';

/** Every gold document with its evaluation, the extractor run with the seed's gazetteer. */
function evaluateGoldSet(heldOut = true): { doc: GoldDocument; evaluation: DocumentEvaluation }[] {
  const gazetteer = seedGazetteer();
  const docs = loadGoldSet().filter((doc) => heldOut || !doc.heldOut);
  return docs.map((doc) => {
    const extraction = extract({ text: doc.text, language: doc.language, publishedOn: doc.publishedOn, gazetteer });
    return { doc, evaluation: evaluate(doc.gold, extraction) };
  });
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

function table(title: string, scores: Record<string, Score>): string {
  const rows = Object.entries(scores).map(
    ([category, s]) =>
      `${category.padEnd(9)} ${percent(s.precision)} ${percent(s.recall)}   ` +
      `tp ${s.truePositives}, fp ${s.falsePositives}, fn ${s.falseNegatives}`,
  );
  return [title, `${'category'.padEnd(9)} precision  recall`, ...rows].join('\n');
}

function main(flags: string[]) {
  const results = evaluateGoldSet(!flags.includes('--tuning'));
  const tuning = results.filter((r) => !r.doc.heldOut);
  const heldOut = results.filter((r) => r.doc.heldOut);
  console.log(table(`Tuning (${tuning.length} documents)`, summarize(tuning.map((r) => r.evaluation))));
  if (heldOut.length > 0) {
    console.log();
    console.log(table(`Held out (${heldOut.length} documents)`, summarize(heldOut.map((r) => r.evaluation))));
  }
  if (!flags.includes('--errors')) return;
  for (const { doc, evaluation } of tuning) {
    console.log(`\n## ${doc.name}`);
    for (const [category, result] of Object.entries(evaluation)) {
      for (const key of result.missed) console.log(`  ${category} missed:   ${key}`);
      for (const key of result.spurious) console.log(`  ${category} spurious: ${key}`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
