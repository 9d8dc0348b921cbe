/**
 * What the analysis thread can run: the ts-morph work of the core (parsing, finding usages and model
 * factories, the refactorings). Arguments and results are plain data (structured clone), so any of
 * these can cross a thread boundary. Add a core function here to make it available off-thread.
 */
import { analyzeSource } from '../core/analysis';
import { findModelFactories } from '../core/analysis/model-factories';
import { convertToRunningBatchNorm, revertToBatchNormalization } from '../core/refactor';

export const analysisThreadMethods = {
  analyzeSource,
  findModelFactories,
  convertToRunningBatchNorm,
  revertToBatchNormalization,
};

export type AnalysisThreadMethods = typeof analysisThreadMethods;
export type AnalysisMethodName = keyof AnalysisThreadMethods;
