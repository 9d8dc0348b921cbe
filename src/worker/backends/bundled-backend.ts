/**
 * The extension's own tfjs and backend, used when the workspace has no tfjs installed: the best
 * bundled backend from `src/worker/backends` (tfjs-node-gpu, tfjs-node, wasm with its training
 * kernels, cpu). A named backend that cannot start is reported and replaced by the best that can,
 * because a sanity-train on a slower backend is still worth more than no answer.
 */
import { chooseTrainingBackend, type BackendChoice, type BackendPreference } from './';
import type { WasmStartOptions } from './wasm-setup';

export async function chooseBundledBackend(preference: BackendPreference, options: WasmStartOptions = {}): Promise<BackendChoice> {
  try {
    return await chooseTrainingBackend(preference, options);
  } catch (err) {
    if (preference === 'auto') {
      throw err;
    }
    const fallback = await chooseTrainingBackend('auto', options);
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ...fallback, skipped: [{ name: preference, reason }, ...fallback.skipped.filter((s) => s.name !== preference)] };
  }
}
