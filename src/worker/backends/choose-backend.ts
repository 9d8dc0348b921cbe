import type * as tfjs from '@tensorflow/tfjs';
import type { BackendChoice, BackendPreference, SkippedBackend } from './types';
import { activateWasmBackend, firstLine, type WasmStartOptions } from './wasm-setup';
import type { WasmThreads } from './wasm-threads';

/** One way to train, best first: what it is called in reports and how to start it. */
interface Candidate {
  name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Which preferences may use it. */
  servesPreference: BackendPreference[];
  /** Starts the backend and returns the tfjs module it runs in (and wasm's threads); throws with the reason it cannot. */
  start: (options: WasmStartOptions) => Promise<typeof tfjs | { tf: typeof tfjs; threads: WasmThreads }>;
}

const tensorflowInstallNote = 'optional dependency; its install needs a libtensorflow download';

const candidates: Candidate[] = [
  { name: 'tensorflow-gpu', servesPreference: ['auto', 'tensorflow'], start: () => startTensorflowPackage('@tensorflow/tfjs-node-gpu') },
  { name: 'tensorflow', servesPreference: ['auto', 'tensorflow'], start: () => startTensorflowPackage('@tensorflow/tfjs-node') },
  { name: 'wasm', servesPreference: ['auto', 'wasm'], start: startWasm },
  { name: 'cpu', servesPreference: ['auto', 'cpu'], start: startCpu },
];

/**
 * Picks the backend for a training run: tfjs-node-gpu, tfjs-node, wasm (with the training kernels
 * it lacks registered), then the pure-JS cpu backend. 'auto' takes the best that starts; a named
 * preference takes that one or throws an Error saying why it could not start. `skipped` says why
 * each better backend was not used, for the run's report. `options.threads` sizes wasm's thread pool.
 */
export async function chooseTrainingBackend(preference: BackendPreference, options: WasmStartOptions = {}): Promise<BackendChoice> {
  if (!candidates.some((c) => c.servesPreference.includes(preference))) {
    throw new Error(`Unknown backend '${String(preference)}': use auto, tensorflow, wasm or cpu.`);
  }
  const skipped: SkippedBackend[] = [];
  const firstServing = candidates.findIndex((c) => c.servesPreference.includes(preference));
  for (const [index, candidate] of candidates.entries()) {
    if (!candidate.servesPreference.includes(preference)) {
      // Backends after the one asked for were never in the running, so they are not "skipped".
      if (index < firstServing) {
        skipped.push({ name: candidate.name, reason: `not tried: the backend setting is '${preference}'` });
      }
      continue;
    }
    try {
      const started = await candidate.start(options);
      return 'threads' in started ? { tf: started.tf, name: candidate.name, skipped, threads: started.threads } : { tf: started, name: candidate.name, skipped };
    } catch (error) {
      skipped.push({ name: candidate.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const reasons = skipped.filter((s) => !s.reason.startsWith('not tried')).map((s) => `${s.name}: ${s.reason}`);
  throw new Error(`The '${preference}' backend is not available (${reasons.join('; ')}). Use --backend auto to fall back to wasm or cpu.`);
}

/**
 * Loads a tfjs-node package and activates its 'tensorflow' backend; throws with why it could not
 * (not installed, native library failed to load, backend failed to start). Exported for tests.
 */
export async function startTensorflowPackage(packageName: string): Promise<typeof tfjs> {
  try {
    require.resolve(packageName);
  } catch {
    throw new Error(`${packageName} is not installed (${tensorflowInstallNote})`);
  }
  let tf: typeof tfjs;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native package, loaded on demand
    tf = require(packageName) as typeof tfjs;
  } catch (error) {
    throw new Error(`${packageName} is installed but failed to load: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error(`${packageName} loaded but its 'tensorflow' backend failed to initialise`);
  }
  return tf;
}

async function startWasm(options: WasmStartOptions): Promise<{ tf: typeof tfjs; threads: WasmThreads }> {
  const tf = loadTfjs();
  return { tf, threads: await activateWasmBackend(tf, options) };
}

async function startCpu(): Promise<typeof tfjs> {
  const tf = loadTfjs();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as loadTfjs
  (require('./layer-kernels/register') as typeof import('./layer-kernels/register')).registerLayerKernels();
  if (!(await tf.setBackend('cpu'))) {
    throw new Error('the cpu backend failed to initialise');
  }
  return tf;
}

function loadTfjs(): typeof tfjs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only training runs load tfjs
  return require('@tensorflow/tfjs') as typeof tfjs;
}
