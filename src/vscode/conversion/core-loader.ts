/**
 * The core, loaded on first use: activation registers providers without parsing anything, and the
 * TypeScript compiler (from ts-morph, ~10 MB) loads only when a JS/TS file that mentions batch norm is
 * analysed or a command runs. esbuild bundles the core itself; the compiler stays an external require.
 */
import type * as AnalysisModule from '../../core/analysis';
import type * as RefactorModule from '../../core/refactor';
import type * as WorkspaceModule from '../../core/workspace';

export interface Core {
  analyzeSource: typeof AnalysisModule.analyzeSource;
  mightContainBatchNorm: typeof AnalysisModule.mightContainBatchNorm;
  convertToRunningBatchNorm: typeof RefactorModule.convertToRunningBatchNorm;
  revertToBatchNormalization: typeof RefactorModule.revertToBatchNormalization;
  resolveLayerFilePath: typeof RefactorModule.resolveLayerFilePath;
  layerImportFor: typeof RefactorModule.layerImportFor;
  planLayerFiles: typeof WorkspaceModule.planLayerFiles;
  planHtmlPages: typeof WorkspaceModule.planHtmlPages;
}

let core: Promise<Core> | undefined;

/** The analysis and refactorings (cached after the first call). */
export function loadCore(): Promise<Core> {
  core ??= Promise.all([import('../../core/analysis'), import('../../core/refactor'), import('../../core/workspace')]).then(
    ([analysis, refactor, workspace]) => ({
      analyzeSource: analysis.analyzeSource,
      mightContainBatchNorm: analysis.mightContainBatchNorm,
      convertToRunningBatchNorm: refactor.convertToRunningBatchNorm,
      revertToBatchNormalization: refactor.revertToBatchNormalization,
      resolveLayerFilePath: refactor.resolveLayerFilePath,
      layerImportFor: refactor.layerImportFor,
      planLayerFiles: workspace.planLayerFiles,
      planHtmlPages: workspace.planHtmlPages,
    }),
  );
  return core;
}
