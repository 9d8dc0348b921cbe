import type { CliCommand } from '../command';
import { runRefactorCommand } from './refactor-command';

export const revertCommand: CliCommand = {
  name: 'revert',
  summary: 'revert RunningBatchNorm layers to tf.layers.batchNormalization',
  help: `Usage: rbn revert <paths...> [--dry-run] [--json]

Replaces runningBatchNorm(...) with tf.layers.batchNormalization(...) again, restores the
arguments the conversion commented out, and removes the layer import once it is unused.
The layer file itself is left in place.

  --dry-run   print a unified diff instead of writing
  --json      print {"files":[{"file","converted","skipped":[{"line","reason"}],"error"?}],"layerFile"}

Exit codes: 0 done (also when there was nothing to revert), 2 could not run.`,
  run: (args, io) => runRefactorCommand('revert', args, io),
};
