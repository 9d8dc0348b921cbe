/**
 * What the analysis thread can run: the ts-morph work of the core (parsing, finding usages and model
 * builders, proposing their arguments, the refactorings). Arguments and results are plain data (structured clone), so any of
 * these can cross a thread boundary. Add a core function here to make it available off-thread.
 */
import { analyzeSource } from '../core/analysis';
import { findModelBuildersInFile, proposeArgumentsInFile } from '../core/analysis/page/file-texts';
import { convertToRunningBatchNorm, layerImportFor, revertToBatchNormalization } from '../core/refactor';

export const analysisThreadMethods = {
  analyzeSource,
  // The editor sends files as written: an HTML page is read as its scripts here, off the host's thread.
  findModelBuilders: findModelBuildersInFile,
  proposeArguments: proposeArgumentsInFile,
  convertToRunningBatchNorm,
  revertToBatchNormalization,
  layerImportFor,
};

export type AnalysisThreadMethods = typeof analysisThreadMethods;
export type AnalysisMethodName = keyof AnalysisThreadMethods;
