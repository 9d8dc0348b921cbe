/**
 * Picks the one tfjs instance the worker, the user's model and the RunningBatchNorm layer all use,
 * and its backend, fastest first:
 * 1. the workspace's tfjs-node(-gpu): the user's own native backend;
 * 2. the workspace's tfjs with the bundled wasm backend and this project's training kernels registered
 *    into it, when its tfjs-core can host them (4.17 or later in the same major: see wasm-compat);
 * 3. else the bundled tfjs on its best backend, with every tfjs import of the user's code redirected
 *    to it (as for workspaces without tfjs);
 * and the workspace's tfjs on cpu only when asked for, when wasm fails to start there, or when its
 * tfjs-node failed to load after its older core had. A workspace tfjs before 1.0 is never loaded.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendPreference, SkippedBackend } from './types';
import { checkWasmHost, packageVersionOf, tooOldToDrive } from './wasm-compat';
import { activateWasmBackend, firstLine, type WasmStartOptions } from './wasm-setup';
import type { WasmThreads } from './wasm-threads';
import { chooseBundledBackend } from './bundled-backend';

export interface TfjsRuntime {
  tf: typeof tfjs;
  /** Name of the backend that runs, e.g. 'cpu', 'wasm', 'tensorflow'. */
  backend: string;
  skipped: SkippedBackend[];
  /** 'workspace' when the user's installed tfjs runs the model. */
  source: 'workspace' | 'bundled';
  /** Why the bundled tfjs runs although the workspace has its own (absent otherwise). */
  reason?: string;
  /** Request -> file, for the module hooks. */
  redirects: Map<string, string>;
  /** The wasm backend's XNNPACK threads (absent on other backends). */
  threads?: WasmThreads;
}

type Install = (redirects: Map<string, string>) => void;

/** Best first: the native bindings, then the plain package. */
const WORKSPACE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'];
const NATIVE_PACKAGES = WORKSPACE_PACKAGES.slice(0, 2);
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
export async function loadTfjsRuntime(userFile: string, preference: BackendPreference, install: Install, options: WasmStartOptions = {}): Promise<TfjsRuntime> {
  const workspace = findWorkspaceTfjs(userFile);
  if (workspace.length === 0) {
    return loadBundled(preference, install, options);
  }
  // Best first (WORKSPACE_PACKAGES' order): the native package where there is one.
  const best = workspace[0];
  const native = NATIVE_PACKAGES.includes(best.request) ? best : undefined;
  const bestRedirects = workspaceRedirects(userFile, best.file);
  // Decided before any of it loads: a tfjs-core loaded once cannot be swapped for the bundled one.
  const tooOld = tooOldToDrive(coreVersionOf(bestRedirects, best));
  if (tooOld) {
    return withWorkspaceReason(await loadBundled(preference, install, options), native ? [{ name: 'tensorflow', reason: `${tooOld}: its ${native.request} was not loaded` }] : nativeSkips(undefined, preference), tooOld);
  }
  const skipped: SkippedBackend[] = [];
  if (native && (preference === 'auto' || preference === 'tensorflow')) {
    install(bestRedirects);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(native.file);
      const tf = requireTfjs();
      await tf.ready();
      return { tf, backend: tf.getBackend(), skipped: await applyPreference(tf, preference), source: 'workspace', redirects: bestRedirects };
    } catch (err) {
      // Its tfjs-core is loaded by now, so the workspace's tfjs is the one that can still run: on the
      // bundled wasm where that core can host it (as below), else on its own cpu.
      skipped.push({ name: 'tensorflow', reason: `the workspace's ${native.request} failed to load: ${firstLine(err instanceof Error ? err.message : String(err))}` });
      // Loading it again would only throw: the code's imports of it get the workspace's plain tfjs.
      servePlainForNative(bestRedirects, native.request);
      install(bestRedirects);
      const host = checkWasmHost(coreVersionOf(bestRedirects, native), bundledWasmVersion());
      return loadWorkspaceWasmOrCpu(requireTfjs(), preference, bestRedirects, skipped, options, host.compatible ? undefined : host.reason);
    }
  }
  skipped.push(...nativeSkips(native?.request, preference));
  const plain = workspace.find((w) => w.request === '@tensorflow/tfjs') ?? workspace[0];
  const redirects = workspaceRedirects(userFile, plain.file);
  // Code that imports a tfjs-node the workspace lacks runs on the workspace's tfjs, as on the bundled one.
  servePlainForNative(redirects);
  const host = checkWasmHost(coreVersionOf(redirects, plain), bundledWasmVersion());
  if (preference === 'cpu' || host.compatible) {
    install(redirects);
    return loadWorkspaceWasmOrCpu(requireTfjs(), preference, redirects, skipped, options);
  }
  return withWorkspaceReason(await loadBundled(preference, install, options), skipped, host.reason);
}

/** The workspace's tfjs-core version; the umbrella package's own where the core cannot be found beside it (they match). */
function coreVersionOf(redirects: Map<string, string>, entry: { request: string; file: string }): string | undefined {
  const coreFile = redirects.get('@tensorflow/tfjs-core');
  return coreFile ? packageVersionOf(coreFile, '@tensorflow/tfjs-core') : packageVersionOf(entry.file, entry.request);
}

/** The bundled tfjs in a workspace that has its own: the workspace's reasons for its native backend stand in for the bundled chooser's. */
function withWorkspaceReason(bundled: TfjsRuntime, skipped: SkippedBackend[], reason: string): TfjsRuntime {
  const bundledSkips = bundled.skipped.filter((s) => !s.name.startsWith('tensorflow'));
  return { ...bundled, skipped: [...skipped, ...bundledSkips], reason: `${reason}: the model ran on the bundled tfjs, its tfjs imports redirected` };
}

/** Why the native backend did not run on a workspace that has no usable tfjs-node. */
function nativeSkips(nativeRequest: string | undefined, preference: BackendPreference): SkippedBackend[] {
  if (preference === 'cpu' || preference === 'wasm') {
    return nativeRequest ? [{ name: 'tensorflow', reason: `not tried: the backend setting is '${preference}'` }] : [];
  }
  return [{ name: 'tensorflow', reason: "the workspace has no @tensorflow/tfjs-node (npm install @tensorflow/tfjs-node for native speed)" }];
}

/**
 * The workspace's tfjs on wasm (the bundled backend and training kernels registered into it), else its cpu.
 * @param wasmUnfit why its tfjs-core cannot host the bundled wasm (then cpu, and the report says why).
 */
async function loadWorkspaceWasmOrCpu(
  tf: typeof tfjs, preference: BackendPreference, redirects: Map<string, string>, skipped: SkippedBackend[], options: WasmStartOptions = {}, wasmUnfit?: string,
): Promise<TfjsRuntime> {
  await tf.ready();
  if (preference !== 'cpu' && wasmUnfit) {
    skipped.push({ name: 'wasm', reason: wasmUnfit });
  } else if (preference !== 'cpu') {
    try {
      const threads = await activateWasmBackend(tf, options);
      return { tf, backend: 'wasm', skipped, source: 'workspace', redirects, threads };
    } catch (err) {
      skipped.push({ name: 'wasm', reason: `the bundled wasm backend did not start in the workspace's tfjs: ${firstLine(err instanceof Error ? err.message : String(err))}` });
    }
  } else {
    skipped.push({ name: 'wasm', reason: "not tried: the backend setting is 'cpu'" });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only training runs load tfjs
  (require('./layer-kernels/register') as typeof import('./layer-kernels/register')).registerLayerKernels();
  if (!(await tf.setBackend('cpu'))) {
    throw new Error("the workspace's tfjs could not start its cpu backend");
  }
  return { tf, backend: 'cpu', skipped, source: 'workspace', redirects };
}

/**
 * tfjs-node(-gpu) requests that have no redirect (the workspace lacks the package), and the one
 * named `failed` (its package failed to load), land on the plain tfjs the redirects serve (the module hooks add its `tf.node`).
 */
function servePlainForNative(redirects: Map<string, string>, failed?: string): void {
  const plain = redirects.get('@tensorflow/tfjs');
  for (const request of NATIVE_PACKAGES) {
    if (plain && (!redirects.has(request) || request === failed)) {
      redirects.set(request, plain);
    }
  }
}

/** Every shared tfjs request to the workspace's copy; only what the workspace really has. */
function workspaceRedirects(userFile: string, bestFile: string): Map<string, string> {
  const redirects = new Map<string, string>();
  const base = path.dirname(bestFile);
  for (const request of [...SHARED_REQUESTS, ...WORKSPACE_PACKAGES]) {
    const file = resolveFrom(request, path.dirname(userFile)) ?? resolveFrom(request, base);
    if (file) {
      redirects.set(request, file);
    }
  }
  return redirects;
}

function requireTfjs(): typeof tfjs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- through the redirects just installed
  return require('@tensorflow/tfjs') as typeof tfjs;
}

function bundledWasmVersion(): string | undefined {
  const file = resolveFrom('@tensorflow/tfjs-backend-wasm', __dirname);
  return file ? packageVersionOf(file, '@tensorflow/tfjs-backend-wasm') : undefined;
}

async function loadBundled(preference: BackendPreference, install: Install, options: WasmStartOptions = {}): Promise<TfjsRuntime> {
  const redirects = new Map<string, string>();
  // The bundled chooser looks for tfjs-node itself, so no redirect may hide it while it chooses.
  install(redirects);
  const choice = await chooseBundledBackend(preference, options);
  setBundledRedirects(redirects, choice.name === 'tensorflow');
  install(redirects);
  return { tf: choice.tf, backend: choice.name, skipped: choice.skipped, source: 'bundled', redirects, ...(choice.threads ? { threads: choice.threads } : {}) };
}

/**
 * Every tfjs request of the user's code lands on the extension's own packages (one instance, the
 * chosen backend), and tfjs-node(-gpu) on plain tfjs where they are absent or did not load (installed
 * without their native binding: loading them again would only throw).
 */
function setBundledRedirects(redirects: Map<string, string>, nativeLoaded: boolean): void {
  const own = resolveFrom('@tensorflow/tfjs', __dirname);
  for (const request of SHARED_REQUESTS) {
    const file = resolveFrom(request, __dirname);
    if (file) {
      redirects.set(request, file);
    }
  }
  for (const request of NATIVE_PACKAGES) {
    const file = (nativeLoaded ? resolveFrom(request, __dirname) : undefined) ?? own;
    if (file) {
      redirects.set(request, file);
    }
  }
}

/** On the workspace's native tfjs, honour an explicit backend when it is registered there. */
async function applyPreference(tf: typeof tfjs, preference: BackendPreference): Promise<SkippedBackend[]> {
  const wanted = preference === 'auto' ? undefined : preference;
  if (!wanted || tf.getBackend() === wanted) {
    return [];
  }
  if (tf.findBackendFactory(wanted) && (await tf.setBackend(wanted))) {
    return [];
  }
  return [{ name: wanted, reason: `the workspace's tfjs has no '${wanted}' backend registered; using '${tf.getBackend()}'` }];
}
