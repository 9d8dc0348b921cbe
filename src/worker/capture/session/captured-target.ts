/** What the hook hands the session when it has taken a model from the program (types only: two bundles share them). */
import type * as tfjs from '@tensorflow/tfjs';
import type { CaptureKind } from '../../../core/training/capture';
import type { SourceLocation } from '../../../core/training/protocol';
import type { BatchCollector } from '../hook/batch-collector';

export interface CapturedTarget {
  /** The program's tfjs (the instance the model lives in). */
  tf: typeof tfjs;
  /** The file of that instance's tfjs-layers (tells the workspace's tfjs from the bundled one). */
  layersFile: string;
  model: tfjs.LayersModel;
  kind: CaptureKind;
  /** Where the program trained (or built) the model. */
  site: SourceLocation | null;
  /** Where it built the model (tf.sequential, tf.model, …), for the layers' source lines. */
  builtAt: SourceLocation | null;
  /** The program's batches; absent when it never trained the model. */
  collector?: BatchCollector;
  /** The program's compile() argument. */
  compileArgs?: unknown;
  /** 1-based: which trained (or built) model this is. */
  index: number;
  /** The program's tfjs packages by name, where a test runner (Jest) loaded them in its own module registry. */
  registryModules?: Map<string, unknown>;
  /** Things the hook did that the report should say (a tfjs-node served by tfjs, a capture error). */
  notes: string[];
  /** For 'built': the seconds the program had run without training it, when the model was taken before it ended. */
  takenAfterS?: number;
  /** For 'built': how the program failed after building it and before training it (`it threw TypeError: …`). */
  programFailed?: string;
}
