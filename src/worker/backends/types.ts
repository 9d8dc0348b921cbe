import type * as tfjs from '@tensorflow/tfjs';

/** What the user (or a setting) asks for; `tensorflow` means tfjs-node-gpu or tfjs-node. */
export type BackendPreference = 'auto' | 'cpu' | 'wasm' | 'tensorflow';

export interface SkippedBackend {
  name: string;
  reason: string;
}

/** The backend a training run uses, with why each better one was not used (always reported to the user). */
export interface BackendChoice {
  tf: typeof tfjs;
  /** 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' (tf.getBackend() plus the package that provided it). */
  name: string;
  skipped: SkippedBackend[];
}
