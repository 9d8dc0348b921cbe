import type { CliCommand } from '../command';
import { runRefactorCommand } from './refactor-command';

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'convert tfjs batch-norm layers to RunningBatchNorm',
  help: `Usage: rbn convert <paths...> [--dry-run] [--json] [--layer-path <folder-or-file>] [--default-args <json>]
       rbn convert <model.json> [--out <folder>] [--in-place] [--dry-run] [--json] [--verbose]

Replaces tf.layers.batchNormalization(...) with runningBatchNorm(...) in the given files and
folders, adds the import, and writes the vendored layer file once per project (an existing
running-batch-norm.<ts|js|mjs|cjs> in the file's folder or above is reused; otherwise it goes
next to the converted code). Formatting, comments and line endings are kept.

  --dry-run      print a unified diff instead of writing
  --json         print {"files":[{"file","converted","skipped":[{"line","reason"}],"error"?}],"layerFile"}
  --layer-path   where the layer file goes (folder or file, relative to the working folder)
  --default-args RunningBatchNorm args for calls that have none, as JSON: '{"statsInterval":2}'

A saved tfjs Layers model (its model.json, with the weight files beside it) is converted too:
every BatchNormalization becomes a RunningBatchNorm (gamma, beta and the moving statistics carried
over, so predictions stay the same). Written to <name>-rbn/model.json beside the input unless
--out <folder> is given; an existing model.json is never overwritten, except the input with
--in-place. Graph models, Keras configs and missing or short weight files: one line, exit 2.
Weights paths must name files inside the model.json's folder (no '..', absolute paths, URLs or
links out of it): anything else is refused before a file is read. Quantized weights (uint8,
uint16, float16) stay quantized; a note says what is stored as float32 and how the size changed.
  --verbose    also print TensorFlow.js's own console warnings (prefixed tfjs:) on stderr

Exit codes: 0 done (also when there was nothing to convert), 2 could not run (bad arguments,
            unreadable or unparsable files: those files are left unchanged).`,
  run: (args, io) => runRefactorCommand('convert', args, io),
};
