/**
 * The backend for a session on a captured model: the program's own tfjs instance stays (the model
 * lives in it); on the fastest backend it can host: its native backend when it has one, else the
 * bundled wasm backend registered into it (tfjs-core 4.17 or later), else its cpu.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { BackendPreference, SkippedBackend } from '../../backends/types';
import type { TfjsRuntime } from '../../backends/tfjs-runtime';
import { checkWasmHost, packageVersionOf } from '../../backends/wasm-compat';
import { activateWasmBackend, firstLine } from '../../backends/wasm-setup';

export async function captureRuntime(tf: typeof tfjs, layersFile: string, preference: BackendPreference, ownRoot: string, programRunning = false): Promise<TfjsRuntime> {
  // This project's own install: its node_modules (from source) or dist/node_modules (the .vsix).
  const source = layersFile.startsWith(ownRoot + path.sep) && layersFile.includes(`${path.sep}node_modules${path.sep}`) ? 'bundled' : 'workspace';
  const skipped: SkippedBackend[] = [];
  const done = (): TfjsRuntime => ({ tf, backend: tf.getBackend(), skipped, source, redirects: new Map() });
  if (typeof (tf as Partial<typeof tfjs>).ready !== 'function') {
    // tfjs 1.0 and 1.1 have no tf.ready(): the session's training loop needs the API of tfjs 1.2 and later.
    throw new Error(`the program's tfjs (${tf.version_core ?? 'an early 1.x'}) is older than sanity-train supports (tfjs 1.2 or later): update @tensorflow/tfjs in the project to train its model here`);
  }
  await tf.ready();
  if (tf.getBackend() === 'tensorflow' && (preference === 'auto' || preference === 'tensorflow')) {
    return done();
  }
  if (preference === 'tensorflow') {
    skipped.push({ name: 'tensorflow', reason: "the program's tfjs has no tfjs-node backend" });
  }
  if (programRunning && tf.getBackend() !== 'wasm') {
    // While a backend starts, any tfjs call of the program (which still runs and uses the model) throws.
    skipped.push({ name: 'wasm', reason: 'the program was still running and using its tfjs: the session stays on its backend' });
    return done();
  }
  if (preference === 'cpu') {
    await tf.setBackend('cpu');
    return done();
  }
  const host = checkWasmHost(tf.version_core, bundledWasmVersion());
  if (!host.compatible) {
    skipped.push({ name: 'wasm', reason: host.reason.replace("the workspace has", "the program's tfjs has") });
    return done();
  }
  const before = tf.getBackend();
  try {
    await activateWasmBackend(tf);
  } catch (err) {
    skipped.push({ name: 'wasm', reason: `the bundled wasm backend did not start in the program's tfjs: ${firstLine(err instanceof Error ? err.message : String(err))}` });
    // A start that fails as the backend initialises can leave 'wasm' named as the active one: the program's own stays.
    if (tf.getBackend() !== before) {
      await tf.setBackend(before);
    }
  }
  return done();
}

function bundledWasmVersion(): string | undefined {
  try {
    return packageVersionOf(require.resolve('@tensorflow/tfjs-backend-wasm'), '@tensorflow/tfjs-backend-wasm');
  } catch {
    return undefined;
  }
}
