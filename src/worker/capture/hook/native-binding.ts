/**
 * A tfjs-node(-gpu) that is installed but whose native binding is missing: its install script
 * downloads libtensorflow and builds `lib/napi-v*\/tfjs_binding.node`, which fails offline or behind a
 * proxy (and is skipped by `npm install --ignore-scripts`). Such a package resolves but throws when it
 * loads. The CommonJS loader's failure is caught where it happens (tfjs-watch); an ES module's import
 * goes through Node's ESM loader, whose resolve hook must know beforehand, so it is checked here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The tfjs-node packages the program at `programDir` would resolve whose native binding is missing. */
export function nativePackagesWithoutBinding(programDir: string): string[] {
  return NATIVE_PACKAGES.filter((name) => {
    const root = packageRoot(name, programDir);
    return root !== undefined && !hasBinding(root);
  });
}

function packageRoot(name: string, fromDir: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [fromDir] }));
  } catch {
    return undefined;
  }
}

/** Any `lib/napi-v<N>/tfjs_binding.node` (the folder node-pre-gyp builds or downloads it into). */
function hasBinding(root: string): boolean {
  const lib = path.join(root, 'lib');
  try {
    return fs.readdirSync(lib).some((entry) => entry.startsWith('napi-v') && fs.existsSync(path.join(lib, entry, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}
