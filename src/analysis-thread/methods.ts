/**
 * What the analysis thread can run: the ts-morph work of the core (parsing, finding usages and model
 * builders, proposing their arguments, the refactorings). Arguments and results are plain data (structured clone), so any of
 * these can cross a thread boundary. Add a core function here to make it available off-thread.
 */
import { analyzeSource } from '../core/analysis';
import { proposeArguments } from '../core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../core/analysis/builders/model-builders';
import { convertToRunningBatchNorm, layerImportFor, revertToBatchNormalization } from '../core/refactor';

export const analysisThreadMethods = {
  analyzeSource,
  findModelBuilders,
  proposeArguments,
  convertToRunningBatchNorm,
  revertToBatchNormalization,
  layerImportFor,
};

export type AnalysisThreadMethods = typeof analysisThreadMethods;
export type AnalysisMethodName = keyof AnalysisThreadMethods;
