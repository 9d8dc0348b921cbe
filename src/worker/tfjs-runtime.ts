/**
 * Picks the one tfjs instance the worker, the user's model and the RunningBatchNorm layer all use:
 * the workspace's installed tfjs when it has one (the user's own version and backend), else the
 * extension's bundled tfjs on the best bundled backend.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendPreference, SkippedBackend } from './backends/types';
import { chooseBundledBackend } from './bundled-backend';

export interface TfjsRuntime {
  tf: typeof tfjs;
  /** Name of the backend that runs, e.g. 'cpu', 'wasm', 'tensorflow'. */
  backend: string;
  skipped: SkippedBackend[];
  /** 'workspace' when the user's installed tfjs runs the model. */
  source: 'workspace' | 'bundled';
  /** Request -> file, for the module hooks. */
  redirects: Map<string, string>;
}

/** Best first: the native bindings, then the plain package. */
const WORKSPACE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'];
/** Requests that user code or tfjs packages make and that must land on the chosen instance. */
const SHARED_REQUESTS = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-data', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-cpu'];

function resolveFrom(request: string, dir: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/** The packages the workspace of `userFile` has installed, best first. */
export function findWorkspaceTfjs(userFile: string): { request: string; file: string }[] {
  const dir = path.dirname(userFile);
  const found: { request: string; file: string }[] = [];
  for (const request of WORKSPACE_PACKAGES) {
    const file = resolveFrom(request, dir);
    // Our own node_modules is not the workspace's, even when the user's file sits inside the extension.
    if (file && !isOwnInstall(file)) {
      found.push({ request, file });
    }
  }
  return found;
}

function isOwnInstall(file: string): boolean {
  const own = resolveFrom('@tensorflow/tfjs', __dirname);
  return own !== undefined && path.dirname(own) === path.dirname(file);
}

/**
 * Computes the redirects so every tfjs request loads the chosen instance, installs them through
 * `install`, then loads tfjs and its backend.
 */
export async function loadTfjsRuntime(userFile: string, preference: BackendPreference, install: (redirects: Map<string, string>) => void): Promise<TfjsRuntime> {
  const workspace = findWorkspaceTfjs(userFile);
  const redirects = new Map<string, string>();
  if (workspace.length > 0) {
    const best = workspace[0];
    const base = path.dirname(best.file);
    for (const request of [...SHARED_REQUESTS, ...WORKSPACE_PACKAGES]) {
      // Only what the workspace really has: anything else resolves from wherever it is asked for.
      const file = resolveFrom(request, path.dirname(userFile)) ?? resolveFrom(request, base);
      if (file) {
        redirects.set(request, file);
      }
    }
    install(redirects);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(best.file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfjs;
    const skipped = await applyPreference(tf, preference);
    return { tf, backend: tf.getBackend(), skipped, source: 'workspace', redirects };
  }
  // The bundled chooser looks for tfjs-node itself, so no redirect may hide it while it chooses.
  install(redirects);
  const choice = await chooseBundledBackend(preference);
  setBundledRedirects(redirects);
  install(redirects);
  return { tf: choice.tf, backend: choice.name, skipped: choice.skipped, source: 'bundled', redirects };
}

/**
 * The workspace has no tfjs: every tfjs request of the user's code lands on the extension's own
 * packages (one instance, the chosen backend), and tfjs-node(-gpu) on plain tfjs where they are absent.
 */
function setBundledRedirects(redirects: Map<string, string>): void {
  const own = resolveFrom('@tensorflow/tfjs', __dirname);
  for (const request of SHARED_REQUESTS) {
    const file = resolveFrom(request, __dirname);
    if (file) {
      redirects.set(request, file);
    }
  }
  for (const request of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const file = resolveFrom(request, __dirname) ?? own;
    if (file) {
      redirects.set(request, file);
    }
  }
}

/** On the workspace's tfjs, honour an explicit backend when it is registered there. */
async function applyPreference(tf: typeof tfjs, preference: BackendPreference): Promise<SkippedBackend[]> {
  const wanted = preference === 'auto' ? undefined : preference;
  await tf.ready();
  if (!wanted || tf.getBackend() === wanted) {
    return [];
  }
  if (tf.findBackendFactory(wanted) && (await tf.setBackend(wanted))) {
    return [];
  }
  return [{ name: wanted, reason: `the workspace's tfjs has no '${wanted}' backend registered; using '${tf.getBackend()}'` }];
}
