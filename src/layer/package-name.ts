/** The layer's npm package name, read from its one place, packages/layer/package.json (bundled in). */
import { name } from '../../packages/layer/package.json';

/** `tfjs-running-batch-norm`: what conversion imports from when a project depends on it. */
export const LAYER_PACKAGE_NAME: string = name;
