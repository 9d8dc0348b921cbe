/**
 * `rbn sanity --from "<command>" [--capture N] [--verbose]`: the capture flags, apart from the
 * builder flags they replace. The program's output goes to stderr behind --verbose (prefixed), never
 * onto stdout, where the report (or its JSON) is the only thing.
 */
import { describeCapture } from '../core/training/capture';
import type { SanityCaptureRequest } from '../core/training/capture';
import type { SanityReport } from '../core/training/protocol';
import { CliUsageError, type CliIo } from './command';

/** Builder flags that make no sense with --from (the program builds and calls its own model). */
const BUILDER_FLAGS = ['model', 'args', 'ctor-args', 'module-vars', 'instance-vars'];

export function captureRequestOf(values: Record<string, string | boolean | undefined>, positionals: string[], cwd: string): SanityCaptureRequest | undefined {
  if (values.from === undefined) {
    if (values.capture !== undefined) {
      throw new CliUsageError('--capture picks which model a --from program trains: pass --from "<command>" too');
    }
    return undefined;
  }
  if (typeof values.from !== 'string' || values.from.trim() === '') {
    throw new CliUsageError('--from needs the command that runs your program, e.g. --from "node train.js"');
  }
  if (positionals.length > 0) {
    throw new CliUsageError(`--from runs a command instead of reading a file: drop ${positionals[0]}`);
  }
  const builder = BUILDER_FLAGS.find((f) => values[f] !== undefined);
  if (builder) {
    throw new CliUsageError(`--${builder} is for a builder in a file; with --from the program builds and calls its own model`);
  }
  const capture = values.capture === undefined ? 1 : Number(values.capture);
  if (!Number.isInteger(capture) || capture < 1) {
    throw new CliUsageError(`--capture must be a positive integer, got '${String(values.capture)}'`);
  }
  return { command: values.from, cwd, capture };
}

/** The program's output line, on stderr behind --verbose. */
export function programOutput(io: CliIo, verbose: boolean): ((line: string) => void) | undefined {
  return verbose ? (line) => io.err(`│ ${line}\n`) : undefined;
}

/** The report's capture in one line for the text summary. */
export function captureLine(report: SanityReport): string[] {
  return report.capture ? [`  ${describeCapture(report.capture)}`] : [];
}
