/**
 * A throwaway workspace with its OWN copy of @tensorflow/tfjs (a second tfjs-core, as a real project
 * has): each tfjs package's package.json and Node entry file are copied from this project's
 * node_modules; the few plain dependencies they require are symlinked. `coreVersion` rewrites the
 * copied tfjs-core's package.json version, to stand for a workspace on another tfjs release.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TFJS_PACKAGES = ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-converter', 'tfjs-data', 'tfjs-backend-cpu', 'tfjs-backend-webgl'];
const PLAIN_DEPENDENCIES = ['long', 'seedrandom', 'node-fetch', 'string_decoder', 'whatwg-url', 'tr46', 'webidl-conversions', 'safe-buffer'];

function ownPackageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

export function makeWorkspaceWithOwnTfjs(options: { coreVersion?: string } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-own-tfjs-'));
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"ws-own-tfjs","private":true}');
  for (const name of TFJS_PACKAGES) {
    const from = ownPackageDir(`@tensorflow/${name}`);
    const to = path.join(root, 'node_modules', '@tensorflow', name);
    const manifest = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')) as { main: string; version: string };
    if (name === 'tfjs-core' && options.coreVersion) {
      manifest.version = options.coreVersion;
    }
    fs.mkdirSync(path.join(to, path.dirname(manifest.main)), { recursive: true });
    fs.writeFileSync(path.join(to, 'package.json'), JSON.stringify(manifest));
    fs.copyFileSync(path.join(from, manifest.main), path.join(to, manifest.main));
  }
  for (const name of PLAIN_DEPENDENCIES) {
    try {
      fs.symlinkSync(ownPackageDir(name), path.join(root, 'node_modules', name), 'dir');
    } catch {
      // Not installed here (an optional transitive dependency): the tfjs entry files do not need it.
    }
  }
  return root;
}
