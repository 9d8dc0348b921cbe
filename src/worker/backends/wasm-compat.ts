/**
 * Whether the bundled tfjs-backend-wasm (and this project's wasm training kernels) can be registered
 * into a workspace's own tfjs-core. Decided from package.json versions alone, before either tfjs is
 * loaded: two tfjs-core copies in one process share one engine and kernel registry (tfjs keeps them
 * on a global), so the choice cannot be tried and undone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WasmHostCheck {
  compatible: boolean;
  /** Why not, in words for the report; empty when compatible. */
  reason: string;
}

/**
 * Same major and minor version: tfjs-backend-wasm pins its tfjs-core peer to the exact version, and
 * within one minor release line the kernel and backend_util APIs it calls do not change. Across minor
 * versions kernels it calls may be missing, which fails only when that op first runs, mid-training.
 */
export function checkWasmHost(coreVersion: string | undefined, wasmVersion: string | undefined): WasmHostCheck {
  const core = parseVersion(coreVersion);
  const wasm = parseVersion(wasmVersion);
  if (!core || !wasm) {
    return { compatible: false, reason: `cannot read the version of ${core ? 'the bundled tfjs-backend-wasm' : "the workspace's tfjs-core"}` };
  }
  if (core.major === wasm.major && core.minor === wasm.minor) {
    return { compatible: true, reason: '' };
  }
  return { compatible: false, reason: `the bundled wasm backend ${wasmVersion} needs tfjs-core ${wasm.major}.${wasm.minor}.x and the workspace has ${coreVersion}` };
}

function parseVersion(version: string | undefined): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)\./.exec(version ?? '');
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** The version in the package.json of `packageName` that `resolvedFile` (a file inside it) belongs to. */
export function packageVersionOf(resolvedFile: string, packageName: string): string | undefined {
  let dir = path.dirname(resolvedFile);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (json.name === packageName) {
          return json.version;
        }
      } catch {
        // A nested package.json that does not parse (dist folders have some): keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}
