/**
 * The extension's own tfjs and backend, used when the workspace has no tfjs installed. The choice of
 * the fastest bundled backend belongs to `src/worker/backends` (`chooseTrainingBackend`); this is the
 * one seam the worker calls it through.
 */
import type { BackendChoice, BackendPreference } from './backends/types';
import type * as tfjs from '@tensorflow/tfjs';

export async function chooseBundledBackend(preference: BackendPreference): Promise<BackendChoice> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof tfjs;
  const skipped: BackendChoice['skipped'] = [];
  if (preference !== 'auto' && preference !== 'cpu') {
    skipped.push({ name: preference, reason: `the bundled '${preference}' backend is not available in this build; using cpu` });
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, name: tf.getBackend(), skipped };
}
