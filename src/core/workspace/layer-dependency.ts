/**
 * Whether a project gets the layer from npm: when the package.json nearest above a converted file lists
 * the layer's package (dependencies, devDependencies or peerDependencies), the conversion imports from
 * the package instead of copying the layer file into the project. Vendoring stays the default.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAYER_PACKAGE_NAME } from '../../layer/package-name';

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
