/**
 * Test helpers for the layer's npm package: pack it once per test run, and a fresh project beside
 * `@tensorflow/tfjs` that installs the tarball with npm, offline. The project's tfjs is this repository's
 * (its package and every dependency, hard-linked, or copied across devices), so npm sees a real
 * installed tfjs 4.x that satisfies the package's peer dependency.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

let packed: string | undefined;

/** The tarball that `npm run pack:layer` prints (its last line), built once per test run into a temporary folder. */
export function packedLayerTarball(): string {
  if (packed === undefined) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-pack-'));
    packed = execFileSync(process.execPath, [path.join(ROOT, 'scripts/pack-layer.mjs'), '--out', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
  }
  return packed;
}

/** `name` and every package it depends on, transitively, as installed in this repository. */
function dependencyClosure(name: string): string[] {
  const seen = new Set<string>();
  const queue = [name];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next) || !fs.existsSync(path.join(NODE_MODULES, next, 'package.json'))) {
      continue; // a dependency nested in its dependant's node_modules comes with it
    }
    seen.add(next);
    const manifest = JSON.parse(fs.readFileSync(path.join(NODE_MODULES, next, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    queue.push(...Object.keys(manifest.dependencies ?? {}));
  }
  return [...seen];
}

/** Hard links of every file under `from` (a copy where linking fails); npm replaces, never edits, files. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      linkTree(source, target);
    } else if (entry.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(source), target);
    } else {
      try {
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
      }
    }
  }
}

/** Runs npm in `cwd`; stdout. Offline: nothing may come from the registry. */
export function npm(cwd: string, args: string[]): string {
  return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
}

/**
 * A new project that depends on `@tensorflow/tfjs` (installed) and then `npm install`s the tarball.
 * npm's peer resolution would fetch tfjs's manifest from the registry even though tfjs is installed, so
 * the install skips it (`--legacy-peer-deps`); `npm ls` checks the peer against the installed tfjs after.
 */
export function projectWithLayerInstalled(tarball: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-consumer-'));
  for (const name of dependencyClosure('@tensorflow/tfjs')) {
    linkTree(path.join(NODE_MODULES, name), path.join(dir, 'node_modules', name));
  }
  const tfjsVersion = (JSON.parse(fs.readFileSync(path.join(NODE_MODULES, '@tensorflow/tfjs/package.json'), 'utf8')) as { version: string }).version;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { '@tensorflow/tfjs': tfjsVersion } }, null, 2));
  npm(dir, ['install', '--ignore-scripts', '--no-package-lock', '--legacy-peer-deps', tarball]);
  return dir;
}
