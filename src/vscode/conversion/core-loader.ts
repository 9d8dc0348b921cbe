/**
 * The core, loaded on first use. Parsing and the refactorings (ts-morph, ~10 MB of compiler) run in a
 * worker thread (src/analysis-thread), so the extension host's event loop never waits for them and
 * other extensions on that host stay responsive; only cheap text and path helpers run here. The thread
 * starts with the first file that passes the text prefilter, so users without batch norm never load it.
 * `RBN_ANALYSIS_IN_THREAD=1` keeps the old in-process path, for `npm run bench:host` to compare.
 */
import * as path from 'node:path';
import type * as AnalysisModule from '../../core/analysis';
import type * as FactoriesModule from '../../core/analysis/model-factories';
import type { ModelFactory } from '../../core/analysis/types';
import type * as RefactorModule from '../../core/refactor';
import type * as WorkspaceModule from '../../core/workspace';
import { AnalysisThread } from '../../analysis-thread/thread-client';

type Async<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;

export interface Core {
  analyzeSource: Async<typeof AnalysisModule.analyzeSource>;
  findModelFactories: Async<typeof FactoriesModule.findModelFactories>;
  convertToRunningBatchNorm: Async<typeof RefactorModule.convertToRunningBatchNorm>;
  revertToBatchNormalization: Async<typeof RefactorModule.revertToBatchNormalization>;
  mightContainBatchNorm: typeof AnalysisModule.mightContainBatchNorm;
  resolveLayerFilePath: typeof RefactorModule.resolveLayerFilePath;
  planLayerFiles: typeof WorkspaceModule.planLayerFiles;
}

let core: Promise<Core> | undefined;
let thread: AnalysisThread | undefined;

/** The analysis and refactorings (cached after the first call). */
export function loadCore(): Promise<Core> {
  core ??= process.env.RBN_ANALYSIS_IN_THREAD === '1' ? loadInProcessCore() : loadThreadCore();
  return core;
}

/** The model-factory finder for the sanity-train lenses, in the analysis thread like the rest. */
export async function findModelFactoriesOffThread(code: string, fileName: string): Promise<ModelFactory[]> {
  return (await loadCore()).findModelFactories(code, fileName);
}

/** Stops the analysis thread (deactivation). */
export async function disposeCore(): Promise<void> {
  await thread?.dispose();
  thread = undefined;
  core = undefined;
}

function getThread(): AnalysisThread {
  // dist/extension.js and dist/analysis-thread.js are built side by side (scripts/build.mjs).
  thread ??= new AnalysisThread(path.join(__dirname, 'analysis-thread.js'));
  return thread;
}

/** Only the cheap helpers run in-process: a substring test and path arithmetic (no compiler). */
async function loadThreadCore(): Promise<Core> {
  const t = getThread();
  const [analysis, refactor, workspace] = await Promise.all([import('../../core/analysis'), import('../../core/refactor'), import('../../core/workspace')]);
  return {
    analyzeSource: (...args) => t.call('analyzeSource', ...args),
    findModelFactories: (...args) => t.call('findModelFactories', ...args),
    convertToRunningBatchNorm: (...args) => t.call('convertToRunningBatchNorm', ...args),
    revertToBatchNormalization: (...args) => t.call('revertToBatchNormalization', ...args),
    mightContainBatchNorm: analysis.mightContainBatchNorm,
    resolveLayerFilePath: refactor.resolveLayerFilePath,
    planLayerFiles: workspace.planLayerFiles,
  };
}

async function loadInProcessCore(): Promise<Core> {
  const [analysis, factories, refactor, workspace] = await Promise.all([
    import('../../core/analysis'),
    import('../../core/analysis/model-factories'),
    import('../../core/refactor'),
    import('../../core/workspace'),
  ]);
  return {
    analyzeSource: async (...args) => analysis.analyzeSource(...args),
    findModelFactories: async (...args) => factories.findModelFactories(...args),
    convertToRunningBatchNorm: async (...args) => refactor.convertToRunningBatchNorm(...args),
    revertToBatchNormalization: async (...args) => refactor.revertToBatchNormalization(...args),
    mightContainBatchNorm: analysis.mightContainBatchNorm,
    resolveLayerFilePath: refactor.resolveLayerFilePath,
    planLayerFiles: workspace.planLayerFiles,
  };
}
