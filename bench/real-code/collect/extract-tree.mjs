// node extract-tree.mjs GITDIR OWNER/NAME COMMIT [ROOT]: writes the files of a fetched snapshot at COMMIT to
// ROOT/<owner>__<name>/ (ROOT defaults to /work/realcode, the study's treeRoot), as the study runs them: the
// repository's files only, no .git and no install. An existing folder is replaced. Snapshots leave out some
// of their largest files (data, weights); those are named on stderr and left out of the tree too.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [gitDir, repo, rev, root = '/work/realcode'] = process.argv.slice(2);
const dest = path.join(root, repo.replace('/', '__'));
const git = (args, input) => spawnSync('git', [`--git-dir=${gitDir}`, ...args], { input, maxBuffer: 2 ** 31 - 1 });

const listing = execFileSync('git', [`--git-dir=${gitDir}`, 'ls-tree', '-r', '-z', rev], { maxBuffer: 1 << 30 });
const blobs = listing.toString('utf8').split('\0').filter(Boolean).map((line) => {
  const [info, file] = line.split('\t');
  const [mode, type, sha] = info.split(' ');
  return { mode, type, sha, file };
}).filter((b) => b.type === 'blob');

// One `cat-file --batch` answers every blob in order: "<sha> blob <size>\n<bytes>\n", or "<sha> missing\n".
const out = git(['cat-file', '--batch'], blobs.map((b) => b.sha).join('\n') + '\n').stdout;
fs.rmSync(`${dest}.tmp`, { recursive: true, force: true });
let at = 0;
let absent = 0;
for (const blob of blobs) {
  const headerEnd = out.indexOf(10, at);
  const header = out.subarray(at, headerEnd).toString();
  at = headerEnd + 1;
  if (header.endsWith(' missing')) { absent++; console.error(`absent from the snapshot: ${blob.file}`); continue; }
  const size = Number(header.split(' ')[2]);
  const target = path.join(`${dest}.tmp`, blob.file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (blob.mode === '120000') fs.symlinkSync(out.subarray(at, at + size).toString(), target);
  else fs.writeFileSync(target, out.subarray(at, at + size), { mode: blob.mode === '100755' ? 0o755 : 0o644 });
  at += size + 1;
}
fs.rmSync(dest, { recursive: true, force: true });
fs.renameSync(`${dest}.tmp`, dest);
console.log(`${dest}: ${blobs.length - absent} files${absent ? `, ${absent} absent from the snapshot` : ''}`);
