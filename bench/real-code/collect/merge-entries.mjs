// node merge-entries.mjs DIR ROUND: adds every DIR/entries-*.json record to study-builders.json (a record
// whose repo, file and builder are there already is skipped) and prints the round's counts per half.
import fs from 'node:fs';
import path from 'node:path';

const [dir, round] = process.argv.slice(2);
const specPath = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'study-builders.json');
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const key = (b) => `${b.repo}|${b.file}|${b.builder}`;
const seen = new Set(spec.builders.map(key));
let added = 0;
for (const name of fs.readdirSync(dir).filter((f) => /^entries-[\w-]+\.json$/.test(f)).sort()) {
  for (const entry of JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'))) {
    if (!seen.has(key(entry))) {
      seen.add(key(entry));
      spec.builders.push(entry);
      added++;
    }
  }
}
fs.writeFileSync(specPath, `${JSON.stringify(spec, null, 1)}\n`);
const ofRound = spec.builders.filter((b) => b.round === Number(round));
const count = (half) => {
  const b = ofRound.filter((x) => x.half === half);
  return `${b.length} builders from ${new Set(b.map((x) => x.repo)).size} repositories`;
};
console.log(`added ${added}; round ${round}: dev ${count('dev')}, test ${count('test')}; capture programs: ${ofRound.filter((b) => b.captureCommand).length}`);
