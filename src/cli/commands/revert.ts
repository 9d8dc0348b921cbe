import type { CliCommand } from '../command';
import { runRefactorCommand } from './refactor-command';

export const revertCommand: CliCommand = {
  name: 'revert',
  summary: 'revert RunningBatchNorm layers to tf.layers.batchNormalization',
  help: `Usage: rbn revert <paths...> [--dry-run] [--json]
       rbn revert <model.json> [--out <folder>] [--in-place] [--dry-run] [--json] [--verbose]

Replaces runningBatchNorm(...) with tf.layers.batchNormalization(...) again, restores the
arguments the conversion commented out, and removes the layer import once it is unused.
The layer file itself is left in place.

  --dry-run   print a unified diff instead of writing
  --json      print {"files":[{"file","converted","skipped":[{"line","reason"}],"error"?}],"layerFile"}

A saved tfjs Layers model (its model.json, with the weight files beside it) is reverted too:
every RunningBatchNorm becomes a BatchNormalization (moving statistics from the running state).
Written to <name>-bn/model.json beside the input unless --out <folder> is given; an existing model.json is never overwritten, except the input with
--in-place. Graph models, Keras configs and missing or short weight files: one line, exit 2.
Weights paths must name files inside the model.json's folder (no '..', absolute paths, URLs or
links out of it): anything else is refused before a file is read. Quantized weights (uint8,
uint16, float16) stay quantized; a note says what is stored as float32 and how the size changed.
  --verbose    also print TensorFlow.js's own console warnings (prefixed tfjs:) on stderr

Exit codes: 0 done (also when there was nothing to revert), 2 could not run.`,
  run: (args, io) => runRefactorCommand('revert', args, io),
};
