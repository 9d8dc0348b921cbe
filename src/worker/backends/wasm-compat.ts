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
 * The oldest tfjs-core of the bundled wasm's major release line that hosts it cleanly. Tried by
 * registering tfjs-backend-wasm 4.22 and the training kernels into real installs and training a
 * conv-BN-relu-pool-dense model with Adam: 4.17 and 4.22 register every kernel and train; 4.2 and
 * 3.21 train too, but lack kernel names the wasm backend registers ("The kernel 'undefined' … is
 * already registered"), so ops added since are broken there. Older releases get the bundled tfjs.
 */
export const OLDEST_HOST_MINOR = 17;

/** Same major version, and not older than OLDEST_HOST_MINOR. */
export function checkWasmHost(coreVersion: string | undefined, wasmVersion: string | undefined): WasmHostCheck {
  const core = parseVersion(coreVersion);
  const wasm = parseVersion(wasmVersion);
  if (!core || !wasm) {
    return { compatible: false, reason: `cannot read the version of ${core ? 'the bundled tfjs-backend-wasm' : "the workspace's tfjs-core"}` };
  }
  if (core.major === wasm.major && core.minor >= OLDEST_HOST_MINOR) {
    return { compatible: true, reason: '' };
  }
  return { compatible: false, reason: `the bundled wasm backend ${wasmVersion} needs tfjs-core ${wasm.major}.${OLDEST_HOST_MINOR} or later in ${wasm.major}.x and the workspace has ${coreVersion}` };
}

/**
 * The oldest tfjs major the worker can drive at all, on the workspace's own cpu: 1.x has the
 * `tf.ready()` and engine API the session uses (1.7 was tried: it trains on cpu); 0.x has neither.
 */
export const OLDEST_DRIVABLE_MAJOR = 1;

/** Why the workspace's tfjs-core is too old to run a session in, or undefined (an unreadable version is tried). */
export function tooOldToDrive(coreVersion: string | undefined): string | undefined {
  const core = parseVersion(coreVersion);
  return core && core.major < OLDEST_DRIVABLE_MAJOR ? `the workspace's tfjs ${coreVersion} is older than sanity-train can run (${OLDEST_DRIVABLE_MAJOR}.0 or later)` : undefined;
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
