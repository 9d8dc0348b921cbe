// node add-entry.mjs DIR COLLECTOR ROUND < entry.json: appends one builder record (or a list) to
// DIR/entries-COLLECTOR.json, with its half by the study's split rule (the sha1 of "owner/name": first 8 hex
// digits even -> dev, odd -> test), its round and containsBatchNorm. The file is rewritten atomically.
import crypto from 'node:crypto';
import fs from 'node:fs';

const [dir, who, round] = process.argv.slice(2);
const file = `${dir}/entries-${who}.json`;
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const entries = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
for (const entry of Array.isArray(input) ? input : [input]) {
  const hex = crypto.createHash('sha1').update(entry.repo).digest('hex').slice(0, 8);
  entries.push({ ...entry, containsBatchNorm: true, half: parseInt(hex, 16) % 2 === 0 ? 'dev' : 'test', round: Number(round) });
}
fs.writeFileSync(`${file}.tmp`, JSON.stringify(entries, null, 2));
fs.renameSync(`${file}.tmp`, file);
console.log(`${entries.length} entries in ${file}`);
