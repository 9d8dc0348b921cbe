/**
 * A model that reaches the sanity session from somewhere other than a builder in a file: captured
 * from the user's running program. The session then skips loading tfjs, calling a builder and
 * choosing data where the source has its own.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { SanityCall } from '../../../core/training/protocol';
import type { TfjsRuntime } from '../../backends/tfjs-runtime';
import type { ModelIO } from '../../data/multi-io-data';
import type { ModelShape, TrainingData } from '../../data/training-data';

export interface ModelSource {
  runtime: TfjsRuntime;
  model: tfjs.LayersModel;
  call: SanityCall;
  /** The text of `request.file` (where the model was built), for the layers' source lines; '' when unknown. */
  code: string;
  /** The program's own data for the model, or undefined for the built-in choice (mnist or synthetic). */
  data(shape: ModelShape, io: ModelIO, perOutput: boolean): TrainingData | undefined;
  /** Lines for the report's notes, before the session's own. */
  notes: string[];
}
