/**
 * Where the sanity-train CodeLenses go and what they say (pure: no `vscode`, so the placement logic is
 * unit-tested in plain Node; the provider only turns these specs into `vscode.CodeLens`es).
 */
import type { ModelBuilder } from '../../core/analysis/types';

/** The two commands a factory's lenses run; both take `(uri, factoryName)`. */
export const SANITY_TRAIN_COMMAND = 'runningBatchNorm.sanityTrain';
export const SANITY_COMPARE_COMMAND = 'runningBatchNorm.sanityTrainCompare';

/** Bigger files (generated bundles, minified code) get no lenses: parsing them would lag the editor. */
export const MAX_LENS_FILE_CHARS = 1_000_000;

export interface SanityLensSpec {
  /** 0-based line of the factory's declaration (where the lens sits). */
  line: number;
  title: string;
  tooltip: string;
  command: typeof SANITY_TRAIN_COMMAND | typeof SANITY_COMPARE_COMMAND;
  factory: string;
}

/**
 * Cheap pre-filter so files that cannot hold a tfjs model never reach the parser: an import or require
 * of a tfjs package, or a call of a model builder on a `tf` global (script-tag tfjs).
 */
export function mentionsTfjs(code: string): boolean {
  return /@tensorflow\/tfjs|\btf\s*\.\s*(?:sequential|model|loadLayersModel)\s*\(/.test(code);
}

/**
 * Two lenses per model factory ("Sanity-train", then "Compare BatchNorm vs RunningBatchNorm"), in
 * source order. Never throws: a file the finder cannot handle gets no lenses.
 * @param findFactories the analysis (injected so tests can pin its answer).
 */
export function sanityLensSpecs(
  code: string,
  fileName: string,
  findFactories: (code: string, fileName: string) => ModelBuilder[],
): SanityLensSpec[] {
  if (code.length > MAX_LENS_FILE_CHARS || !mentionsTfjs(code)) {
    return [];
  }
  let factories: ModelBuilder[];
  try {
    factories = findFactories(code, fileName);
  } catch {
    return [];
  }
  return factories.flatMap((f) => [
    {
      line: f.line - 1,
      title: '$(beaker) Sanity-train',
      tooltip: `Train ${f.id}() for a few seconds at a small batch size and report NaNs, exploding weights and accuracy`,
      command: SANITY_TRAIN_COMMAND,
      factory: f.id,
    },
    {
      line: f.line - 1,
      title: 'Compare BatchNorm vs RunningBatchNorm',
      tooltip: `Train ${f.id}() as written and with every batch norm swapped in memory (same seed, same data); your file is not changed`,
      command: SANITY_COMPARE_COMMAND,
      factory: f.id,
    },
  ]);
}
