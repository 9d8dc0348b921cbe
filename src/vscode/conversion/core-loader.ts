/**
 * The core, loaded on first use. Parsing and the refactorings (ts-morph, ~10 MB of compiler) run in a
 * worker thread (src/analysis-thread), so the extension host's event loop never waits for them and
 * other extensions on that host stay responsive; only cheap text and path helpers run here. The thread
 * starts with the first file that passes the text prefilter, so users without batch norm never load it.
 * `RBN_ANALYSIS_IN_THREAD=1` keeps the old in-process path, for `npm run bench:host` to compare.
 */
import * as path from 'node:path';
import type * as AnalysisModule from '../../core/analysis';
import type { FileAnalysis } from '../../core/analysis/types';
import type * as FileTextsModule from '../../core/analysis/page/file-texts';
import type * as RefactorModule from '../../core/refactor';
import type * as WorkspaceModule from '../../core/workspace';
import { AnalysisThread } from '../../analysis-thread/thread-client';

type Async<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;

export interface Core {
  analyzeSource: Async<typeof AnalysisModule.analyzeSource>;
  /** Both take files as written: an HTML page is read as its inline scripts. */
  findModelBuilders: Async<typeof FileTextsModule.findModelBuildersInFile>;
  proposeArguments: Async<typeof FileTextsModule.proposeArgumentsInFile>;
  convertToRunningBatchNorm: Async<typeof RefactorModule.convertToRunningBatchNorm>;
  revertToBatchNormalization: Async<typeof RefactorModule.revertToBatchNormalization>;
  mightContainBatchNorm: typeof AnalysisModule.mightContainBatchNorm;
  resolveLayerFilePath: typeof RefactorModule.resolveLayerFilePath;
  layerImportFor: Async<typeof RefactorModule.layerImportFor>;
  planLayerFiles: typeof WorkspaceModule.planLayerFiles;
  layerPackageOf: typeof WorkspaceModule.layerPackageOf;
  layerOptionsFor: typeof WorkspaceModule.layerOptionsFor;
  planHtmlPages: typeof WorkspaceModule.planHtmlPages;
}

let core: Promise<Core> | undefined;
let thread: AnalysisThread | undefined;

/** Whether parsing runs in the analysis thread (false only for the bench's in-host comparison). */
export function usesAnalysisThread(): boolean {
  return process.env.RBN_ANALYSIS_IN_THREAD !== '1';
}

let ready: Core | undefined;

/** The analysis and refactorings (cached after the first call). */
export function loadCore(): Promise<Core> {
  core ??= (usesAnalysisThread() ? loadThreadCore() : loadInProcessCore()).then((c) => (ready = c));
  return core;
}

/**
 * The core once loadCore has resolved, else undefined: a caller that has it posts to the thread in this
 * turn of the event loop instead of after the next microtask checkpoint, which other extensions
 * activating for the same file can hold back by 0.5 s (measured in code-server).
 */
export function loadedCore(): Core | undefined {
  return ready;
}

/** Stops the analysis thread (deactivation). */
export async function disposeCore(): Promise<void> {
  await thread?.dispose();
  thread = undefined;
  core = undefined;
  ready = undefined;
  early.clear();
}

/** Analyses started before activate, by file name, until the analysis cache takes them. */
const early = new Map<string, { text: string; analysis: Promise<FileAnalysis> }>();

/**
 * Starts the analysis thread and sends it these files' analyses right away, in this turn of the event
 * loop (loadCore's imports would wait for the next microtask checkpoint, 0.1 s after the extension's
 * module loaded, measured). The results wait for {@link takeEarlyAnalysis}.
 */
export function analyzeInThreadNow(files: readonly { text: string; fileName: string }[]): void {
  const t = getThread();
  for (const f of files) {
    const analysis = t.call('analyzeSource', f.text, f.fileName);
    analysis.catch(() => early.get(f.fileName)?.analysis === analysis && early.delete(f.fileName)); // asked again later
    early.set(f.fileName, { text: f.text, analysis });
  }
}

/**
 * The analysis started before activate for exactly this text, once (often finished by the time activate
 * runs, so the first diagnostics need no round trip to the thread).
 */
export function takeEarlyAnalysis(text: string, fileName: string): Promise<FileAnalysis> | undefined {
  const found = early.get(fileName);
  early.delete(fileName);
  return found?.text === text ? found.analysis : undefined;
}

function getThread(): AnalysisThread {
  // dist/extension.js and dist/analysis-thread.js are built side by side (scripts/build.mjs). The code
  // cache lives in the extension's own folder (not in dist/, which every build empties): the thread
  // starts before activate, so before the extension's storage folder is known, and the cache goes away
  // with the installed version it was made for.
  thread ??= new AnalysisThread(path.join(__dirname, 'analysis-thread.js'), { compileCacheDir: path.join(__dirname, '..', '.code-cache') });
  return thread;
}

type QuickPart = 'mightContainBatchNorm' | 'resolveLayerFilePath' | 'planLayerFiles' | 'layerPackageOf' | 'layerOptionsFor' | 'planHtmlPages';

/** The cheap helpers (a substring test, path arithmetic), which run in the extension host either way. */
function quickParts(
  analysis: typeof import('../../core/analysis'),
  refactor: typeof import('../../core/refactor'),
  workspace: typeof import('../../core/workspace'),
): Pick<Core, QuickPart> {
  return {
    mightContainBatchNorm: analysis.mightContainBatchNorm,
    resolveLayerFilePath: refactor.resolveLayerFilePath,
    planLayerFiles: workspace.planLayerFiles,
    layerPackageOf: workspace.layerPackageOf,
    layerOptionsFor: workspace.layerOptionsFor,
    planHtmlPages: workspace.planHtmlPages,
  };
}

/** Only the cheap helpers run in-process: a substring test and path arithmetic (no compiler). */
async function loadThreadCore(): Promise<Core> {
  const t = getThread();
  const [analysis, refactor, workspace] = await Promise.all([import('../../core/analysis'), import('../../core/refactor'), import('../../core/workspace')]);
  return {
    analyzeSource: (...args) => t.call('analyzeSource', ...args),
    findModelBuilders: (...args) => t.call('findModelBuilders', ...args),
    proposeArguments: (...args) => t.call('proposeArguments', ...args),
    convertToRunningBatchNorm: (...args) => t.call('convertToRunningBatchNorm', ...args),
    revertToBatchNormalization: (...args) => t.call('revertToBatchNormalization', ...args),
    layerImportFor: (...args) => t.call('layerImportFor', ...args),
    ...quickParts(analysis, refactor, workspace),
  };
}

async function loadInProcessCore(): Promise<Core> {
  const [analysis, fileTexts, refactor, workspace] = await Promise.all([
    import('../../core/analysis'),
    import('../../core/analysis/page/file-texts'),
    import('../../core/refactor'),
    import('../../core/workspace'),
  ]);
  return {
    analyzeSource: async (...args) => analysis.analyzeSource(...args),
    findModelBuilders: async (...args) => fileTexts.findModelBuildersInFile(...args),
    proposeArguments: async (...args) => fileTexts.proposeArgumentsInFile(...args),
    convertToRunningBatchNorm: async (...args) => refactor.convertToRunningBatchNorm(...args),
    revertToBatchNormalization: async (...args) => refactor.revertToBatchNormalization(...args),
    layerImportFor: async (...args) => refactor.layerImportFor(...args),
    ...quickParts(analysis, refactor, workspace),
  };
}
