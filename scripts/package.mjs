// `npm run package`: builds and writes ONE .vsix at the repository root (running-batch-norm-<version>.vsix).
// Packages are external in the esbuild bundle (ts-morph and tfjs load lazily), so the production
// node_modules ship inside the .vsix; .vscodeignore keeps sources, tests and dev tooling out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${name}-${version}.vsix`);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

if (!process.argv.includes('--no-build')) {
  run(process.execPath, ['scripts/build.mjs']);
}
for (const f of fs.readdirSync(root).filter((f) => f.endsWith('.vsix'))) {
  fs.rmSync(path.join(root, f));
}
run(path.join(root, 'node_modules/.bin/vsce'), ['package', '--no-update-package-json', '--no-git-tag-version', '--skip-license', '--no-rewrite-relative-links', '--out', out]);
console.log(`${path.basename(out)} ${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MB`);
