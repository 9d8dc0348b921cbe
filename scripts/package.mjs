// `npm run package`: builds and writes ONE .vsix at the repository root (running-batch-norm-<version>.vsix).
// The extension, its analysis thread and the sanity-train worker are esbuild bundles; the packages they
// require at run time are vendored as single-file bundles (scripts/vendor-packages.mjs), so vsce packs a
// staging folder with --no-dependencies and no node_modules. Prints the file count and size, and fails
// when the package breaks its limits or carries a file it must not (scripts/package-files.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { forbiddenPackageFiles, listRepositoryFiles, PACKAGE_LIMITS } from './package-files.mjs';
import { writeVendoredPackages } from './vendor-packages.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${name}-${version}.vsix`);
const stage = path.join(root, '.e2e', 'vsix-stage');
const vsce = path.join(root, 'node_modules/.bin/vsce');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
fs.rmSync(stage, { recursive: true, force: true });
for (const file of listRepositoryFiles(root)) {
  fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
  fs.copyFileSync(path.join(root, file), path.join(stage, file));
}
await writeVendoredPackages(path.join(stage, 'dist'), root);
fs.writeFileSync(path.join(stage, '.vscodeignore'), '# The staging folder holds only what ships (scripts/package-files.mjs).\n.vscodeignore\n');

for (const f of fs.readdirSync(root).filter((f) => f.endsWith('.vsix'))) {
  fs.rmSync(path.join(root, f));
}
const flags = ['--no-dependencies', '--no-update-package-json', '--no-git-tag-version', '--no-rewrite-relative-links'];
const files = run(vsce, ['ls', ...flags.filter((f) => f === '--no-dependencies')], stage).trim().split('\n').filter(Boolean);
// Both streams are read: vsce prints its warnings (e.g. "you should bundle your extension") on either.
const packed = spawnSync(vsce, ['package', ...flags, '--out', out], { cwd: stage, encoding: 'utf8' });
process.stdout.write(packed.stdout);
process.stderr.write(packed.stderr);
if (packed.status !== 0) {
  process.exit(packed.status ?? 1);
}
const log = `${packed.stdout}\n${packed.stderr}`;

const problems = [];
const bytes = fs.statSync(out).size;
if (/WARNING/i.test(log)) {
  problems.push('vsce printed a warning');
}
if (files.length > PACKAGE_LIMITS.files) {
  problems.push(`${files.length} files (limit ${PACKAGE_LIMITS.files})`);
}
if (bytes > PACKAGE_LIMITS.bytes) {
  problems.push(`${(bytes / 1024 / 1024).toFixed(1)} MB (limit ${PACKAGE_LIMITS.bytes / 1024 / 1024} MB)`);
}
const forbidden = forbiddenPackageFiles(files);
if (forbidden.length > 0) {
  problems.push(`must not ship: ${forbidden.join(', ')}`);
}
if (problems.length > 0) {
  console.error(`package check failed: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`${path.basename(out)}: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
