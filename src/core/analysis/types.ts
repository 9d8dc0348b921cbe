/**
 * Contract between the analysis and its consumers (refactor, CLI, VS Code adapter, sanity-train).
 * Consumers may rely on every field here; the analysis may add fields, never rename these.
 */

/** `batchNormalization`: a tfjs batch-norm layer factory call; `runningBatchNorm`: our layer;
 *  `manual`: low-level `tf.batchNorm*` / `tf.moments` normalisation (reported, never converted). */
export type UsageKind = 'batchNormalization' | 'runningBatchNorm' | 'manual';

export interface Usage {
  kind: UsageKind;
  /** Offsets of the whole call expression in the file text (0-based UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  /** The tfjs package the factory comes from (e.g. '@tensorflow/tfjs-node'); null for a browser global or the vendored layer. */
  module: string | null;
  /** Whether the refactoring can convert (or revert) this usage automatically. */
  convertible: boolean;
  /** Why it cannot, when `convertible` is false. */
  reason?: string;
}

export interface FileAnalysis {
  file: string;
  usages: Usage[];
  /** Set when the file could not be analysed (syntax errors, unreadable, binary); `usages` is then empty. */
  error?: string;
}

/** A function that returns a tfjs model and takes no required arguments (sanity-train's entry point). */
export interface ModelFactory {
  /** The name to call it by: the export name, or the top-level binding. */
  name: string;
  exported: boolean;
  async: boolean;
  start: number;
  end: number;
  line: number;
  column: number;
}
