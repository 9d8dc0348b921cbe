import type * as tfjs from '@tensorflow/tfjs';

import type { SkippedBackend } from '../../core/training/protocol';
import type { WasmThreads } from './wasm-threads';

export type { BackendPreference, SkippedBackend } from '../../core/training/protocol';

/** The backend a training run uses, with why each better one was not used (always reported to the user). */
export interface BackendChoice {
  tf: typeof tfjs;
  /** 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu' (tf.getBackend() plus the package that provided it). */
  name: string;
  skipped: SkippedBackend[];
  /** The wasm backend's XNNPACK threads (absent on other backends). */
  threads?: WasmThreads;
}
