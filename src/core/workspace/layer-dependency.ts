/**
 * What the project around a converted file says about the layer. When the package.json nearest above it
 * lists the layer's package (dependencies, devDependencies or peerDependencies), the conversion imports
 * from the package instead of copying the layer file into the project; vendoring stays the default.
 * When tfjs is installed above it (so its types are there), a converted browser script also gets the
 * layer script's declarations, so `tf.runningBatchNorm(…)` type-checks on the page's global `tf`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAYER_PACKAGE_NAME } from '../../layer/package-name';

/** The refactoring's inputs that come from the project (RefactorInput's `layerPackage`, `browserTypes`). */
export function layerOptionsFor(file: string): { layerPackage?: string; browserTypes?: boolean } {
  const layerPackage = layerPackageOf(file);
  return { ...(layerPackage ? { layerPackage } : {}), ...(hasTfjsTypes(file) ? { browserTypes: true } : {}) };
}

/** Whether `@tensorflow/tfjs` is installed in a node_modules folder above `file` (its types with it). */
export function hasTfjsTypes(file: string): boolean {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs', 'package.json'))) {
      return true;
    }
    if (path.dirname(dir) === dir) {
      return false;
    }
  }
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies'] as const;

/**
 * The layer's package name when the nearest package.json above `file` depends on it; else undefined
 * (no package.json, another package's, or one that does not parse: the file gets the vendored copy).
 */
export function layerPackageOf(file: string): string | undefined {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      return dependsOnLayerPackage(manifest) ? LAYER_PACKAGE_NAME : undefined;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}

function dependsOnLayerPackage(manifest: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    return DEPENDENCY_FIELDS.some((field) => {
      const deps = json[field];
      return typeof deps === 'object' && deps !== null && Object.prototype.hasOwnProperty.call(deps, LAYER_PACKAGE_NAME);
    });
  } catch {
    return false; // unreadable or not JSON: vendoring still works
  }
}
