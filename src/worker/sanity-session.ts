/**
 * One sanity-train inside the worker process: find and build the model, pick the data, train the
 * model as written and assemble the report. A Compare's two runs each go through `prepareSession` in
 * a worker of their own (compare/arm-session.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type * as tfjs from '@tensorflow/tfjs';
import { findLayerCalls, mapLayersToSources } from '../core/training/layer-sources';
import type { NanFinding, NormKind, RunReport, SanityReport, SanityRequest, SanityRuntime, SmallerInput, WorkerMessage, WorkerPhase } from '../core/training/protocol';
import { fitBatchToMemory, lowerForTime, memoryLimit, modelValuesPerExample, type BatchChoice, type MemoryState, type ModelLike, type StepShape } from './budget/batch-fit';
import { heldOutRows, probeModel, shownTotal, StepBudget, workerDeadlineMs, type BudgetContext } from './budget/budget';
import { baselineOf, scoringNote } from './training/evaluation';
import { describeModelIO, multiSyntheticData, type ModelIO } from './data/multi-io-data';
import { chooseCompile, compileForRun } from './training/compile';
import { perExampleLossNote } from './training/per-example-loss';
import { customData } from './data/custom-data';
import { BadInputError, describeError } from './errors';
import { scriptCodeOf } from '../core/analysis/page/page-scripts';
import { invokeWithinSize } from './loading/sized-build';
import { checkLayerShapes } from './loading/model-checks';
import { standInNote } from './loading/page/browser-stand-ins';
import { markRandomOutputs } from './data/random-outputs';
import { recordLayerOrigins, withOrigins } from './loading/layer-origins';
import { rememberLayerSources } from './training/step-error';
import { concreteShapes } from './data/variable-dims';
import { trainableParamsOf } from './training/train-step';
import { installModuleHooks, requireUserModule, userExport } from './loading/module-loader';
import { countNorms, swapNorms } from './training/norm-swap';
import { trainableInPlaceOf } from './training/untrainable-norms';
import { TelemetryCollector } from './telemetry/collector';
import { graphSourceLookup, tryExtractModelGraph } from './graph/model-graph';
import { loadTfjsRuntime } from './backends/tfjs-runtime';
import { trainRun } from './training/train-run';
import { describeModel, isMnistShaped, mnistData, rowCount, sliceRows, syntheticData, type ModelShape, type TrainingData } from './data/training-data';
import type { ModelSource } from './capture/session/model-source';
import { scoreExamples } from './compare/example-scores';
import { oneSeedComparison } from './compare/compare-report';
import { monotonicMs } from './clock';
import { whileWatchingWaits } from './budget/event-loop-waits';
import { missingPackagesStoodIn } from './loading/missing-modules';

export type Emit = (message: WorkerMessage) => void;

/** What the worker may need to tell after a failure: filled in as the session learns it. */
export interface SessionContext {
  runtime?: SanityRuntime;
  /** The model's parameter count, once it is built. */
  params?: number;
  /** The batch size the runs use, once fitted to the memory and the time budget. */
  batchSize?: number;
  /** Where the built model's input shape comes from, with it halved: a memory or time failure's advice. */
  smallerInput?: SmallerInput;
}

/** What the worker may use, handed in by its entry (the launcher's cap) rather than read from globals. */
export interface SessionLimits {
  /** The worker's memory cap in MB; the batch is fitted below it. */
  memoryCapMb?: number;
}

function readSource(file: string): string {
  try {
    return scriptCodeOf(file, fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BadInputError(`cannot read ${file}: ${describeError(err)}`);
  }
}

async function chooseData(tf: typeof tfjs, request: SanityRequest, shape: ModelShape, sparse: boolean, io: ModelIO): Promise<TrainingData> {
  // A program's file is not a module to load again: captured models never read sanityData.
  const provider = request.from ? undefined : userExport(requireUserModule(request.file), 'sanityData');
  if (typeof provider === 'function' && request.data === undefined) {
    return customData(tf, provider as () => unknown, shape, sparse, request.file);
  }
  if (needsPerOutputData(io)) {
    if (request.data === 'mnist') {
      const what = io.inputs.length > 1 || io.outputs.length > 1 ? `${io.inputs.length} inputs and ${io.outputs.length} outputs` : `an output of shape [${io.outputs[0].shape.join(', ')}]`;
      throw new BadInputError(`--data mnist needs a model with one 28×28×1 input and one 10-class output; this one has ${what}`);
    }
    return multiSyntheticData(tf, io, request.seed);
  }
  if (request.data === 'mnist' && !isMnistShaped(shape)) {
    throw new BadInputError(`--data mnist needs a model with 28×28×1 (or 784) inputs and 10 softmax outputs; this one takes [${shape.input.join(', ')}] and outputs ${shape.units}`);
  }
  if (request.data !== 'synthetic' && isMnistShaped(shape)) {
    return mnistData(tf, shape, request.seed, request.steps * request.batchSize, sparse);
  }
  return syntheticData(tf, shape, request.seed, sparse);
}

/**
 * Several inputs or outputs, an output with more than one axis (an image, a per-pixel mask), or an
 * input that feeds an Embedding (its values must be whole token ids in range): data of every input's
 * and output's full shape.
 */
export function needsPerOutputData(io: ModelIO): boolean {
  return io.inputs.length > 1 || io.outputs.length > 1 || io.outputs.some((o) => o.shape.length > 1) || io.inputs.some((i) => i.integerRange !== undefined);
}

export function normOf(model: tfjs.LayersModel): NormKind {
  const counts = countNorms(model);
  return counts.batchNormalization > 0 ? 'batchNormalization' : counts.runningBatchNorm > 0 ? 'runningBatchNorm' : 'none';
}

/** What every sanity-train sets up before timing: tfjs, the model as built, its data, loss and optimizer, source lines, notes. */
export type PreparedSession = Awaited<ReturnType<typeof prepareSession>>;

/** Loads tfjs and the module, builds the model with the request's seed (or takes the one `source` captured from a program), picks its data and compile. */
export async function prepareSession(request: SanityRequest, emit: Emit, context: SessionContext, source?: ModelSource) {
  const code = source ? source.code : readSource(request.file);
  const runtime = source?.runtime ?? (await loadTfjsRuntime(request.file, request.backend, installModuleHooks, { threads: request.threads }));
  const { tf } = runtime;
  const info = runtimeOf(runtime);
  context.runtime = info;
  const phase = phaseEmitter(emit, context);
  phase('buildModel');
  const origins = recordLayerOrigins(tf);
  const buildStart = Math.round(monotonicMs());
  // The weights created so far, for a timeout during a long build.
  const growing = (params: number) => emit({ type: 'phase', phase: 'buildModel', elapsedMs: buildStart, params });
  const waits = (waitingOn: string[]) => emit({ type: 'phase', phase: 'buildModel', elapsedMs: buildStart, waitingOn, standIns: missingPackagesStoodIn() });
  const { model, call, browserStandIns, notes: buildNotes, smallerInput } = source ? { ...source, browserStandIns: [], notes: [] as string[], smallerInput: undefined } : await whileWatchingWaits(() => invokeWithinSize({ file: request.file, code, builderId: request.model, args: request.args, ctorArgs: request.ctorArgs, argsSource: request.argsSource, moduleVars: request.moduleVars, moduleVarsSource: request.moduleVarsSource, instanceVars: request.instanceVars, instanceVarsSource: request.instanceVarsSource, instanceVarsTyped: request.instanceVarsTyped, tf, seed: request.seed }, growing), waits);
  const name = call.model;
  context.params = model.countParams();
  context.smallerInput = smallerInput;
  const trainableParams = trainableParamsOf(model);
  const layerCalls = findLayerCalls(code, request.file, name);
  const sources = withOrigins(mapLayersToSources(model.layers.map((l) => ({ name: l.name, className: l.getClassName() })), layerCalls, request.file), model, origins);
  checkLayerShapes(model, sources);
  phase('prepareData');
  const shapes = concreteShapes(tf, model);
  const shape = describeModel(model, shapes);
  const io = describeModelIO(model, shapes);
  const sparse = model.loss === 'sparseCategoricalCrossentropy';
  const allData = source?.data(shape, io, needsPerOutputData(io)) ?? (await chooseData(tf, request, shape, sparse, io));
  // A model tfjs cannot run as written (a rank-5 BatchNormalization) is checked, and trained, as its copy.
  const inPlace = await trainableInPlaceOf(tf, model, allData.xs);
  const randomNote = markRandomOutputs(tf, inPlace?.model ?? model, allData, io.outputs);
  const compile = chooseCompile(tf, model, shape, request.learningRate, io.outputs);
  origins.restore();
  rememberLayerSources(tf, sources);
  const graphSources = graphSourceLookup(model, layerCalls, request.file, sources);
  const standInLine = standInNote(browserStandIns);
  const lossLine = perExampleLossNote(model);
  const notes = [...(source?.notes ?? []), ...buildNotes, ...(standInLine ? [standInLine] : []), ...(shapes.note ? [shapes.note] : []), ...randomNote, ...(lossLine ? [lossLine] : []), trainableParams === 0 ? `optimizer: ${compile.description}; the optimizer is unused: every layer is frozen, so no weight is updated` : `optimizer: ${compile.description}`];
  return { code, runtime, tf, info, phase, model, inPlace, call, name, browserStandIns, trainableParams, shapes, allData, compile, sources, graphSources, notes };
}

/** The batch that fits the worker's memory, and the shape of one step the fit was made for. */
export function fitMemory(prepared: PreparedSession, request: SanityRequest, context: SessionContext, limits: SessionLimits): { stepShape: StepShape; memoryFit: BatchChoice } {
  const { tf, runtime, model, shapes, trainableParams, compile } = prepared;
  const stepShape: StepShape = { params: model.countParams(), trainableParams, valuesPerExample: modelValuesPerExample(model as unknown as ModelLike, filledLength(model, shapes.inputs)), optimizer: compile.optimizer.getClassName() };
  let memoryFit: BatchChoice;
  try {
    memoryFit = fitBatchToMemory(request.batchSize, stepShape, memoryLimit(memoryStateOf(tf, runtime.backend, model, limits)));
  } catch (err) {
    // Not even batch size 1 fits: the failure is at 1, so neither the launcher's retry nor the editor offers a smaller batch.
    context.batchSize = 1;
    throw err;
  }
  context.batchSize = memoryFit.batchSize;
  logTiming(`one step needs about ${Math.round(memoryFit.stepBytesRequested / 2 ** 20)} MB at batch size ${request.batchSize}, ${Math.round(memoryFit.memoryRoomBytes / 2 ** 20)} MB free for it (${memoryFit.memoryLimit}): batch size ${memoryFit.batchSize}`);
  return { stepShape, memoryFit };
}

/** Runs the whole sanity-train and returns its report; failures throw SanityFailure. `source`: a model captured from a program instead of a builder. */
export async function runSanitySession(request: SanityRequest, emit: Emit, checkLimits: () => void, context: SessionContext = {}, limits: SessionLimits = {}, source?: ModelSource): Promise<SanityReport> {
  const prepared = await prepareSession(request, emit, context, source);
  const { runtime, tf, info, phase, call, name, browserStandIns, trainableParams, allData, compile, sources, graphSources, notes, inPlace } = prepared;
  const model = inPlace?.model ?? prepared.model;
  const models: { model: tfjs.LayersModel; norm: NormKind }[] = [{ model, norm: normOf(model) }];
  // A builder's Compare runs each model in a worker of its own (compare/); a model captured from a program
  // lives in that program's process, so its Compare trains the swapped copy here, after it.
  if (request.compare && inPlace) {
    notes.push('--compare: the model as written cannot train in tfjs, so only its RunningBatchNorm copy ran');
  } else if (request.compare) {
    models.push(...(await swappedForCompare(tf, model, notes)));
  }
  phase('timeStep');
  const { stepShape, memoryFit } = fitMemory({ ...prepared, model }, request, context, limits);
  const budgetContext = { budgetMs: request.timeoutMs, backend: runtime.backend, params: stepShape.params, runs: models.length, ...(source ? { before: 'running the program up to the training call captured' } : {}) };
  const { budget, data, batchSize, askedStepMs } = await planBudget(tf, models.map((m) => m.model), allData, request, memoryFit.batchSize, (m) => compileForRun(m, compile), checkLimits, budgetContext);
  const batchFit = timeFit(memoryFit, batchSize, askedStepMs, request, stepShape, runtime.backend);
  context.batchSize = batchFit.batchSize;
  notes.push(...(batchFit.note ? [batchFit.note] : []));
  if (rowCount(data.testXs) < rowCount(allData.testXs)) {
    notes.push(`scored ${rowCount(data.testXs)} of the ${rowCount(allData.testXs)} held-out examples, the number whose evaluation fits the budget`);
  }
  phase('firstStep', budget.firstStepMs);
  const runs: RunReport[] = [];
  const scores: (number[] | null)[] = [];
  for (const [run, entry] of models.entries()) {
    let runScores: number[] | null = null;
    compileForRun(entry.model, compile);
    const graph = tryExtractModelGraph(entry.model, graphSources);
    if (graph) {
      emit({ type: 'graph', run, norm: entry.norm, graph });
    }
    budget.startRun();
    let shown: number | undefined;
    let scoring: { scored: number; of: number } | undefined;
    const report = await trainRun({
      tf,
      model: entry.model,
      data,
      norm: entry.norm,
      steps: request.steps,
      batchSize: batchFit.batchSize,
      seed: request.seed,
      // The swap keeps layer names, so both runs map to the same source lines.
      sources,
      checkLimits,
      plannedSteps: (done) => budget.stepsFor(run, done),
      // A captured model's Compare pairs the two runs' scores example by example: both score every row.
      scoringRows: models.length === 1 ? (rows) => {
        scoring = { scored: budget.rowsToScore(run, rows), of: rows };
        return scoring.scored;
      } : undefined,
      onStep: (step, loss) => {
        shown = shownTotal(shown, budget.stepsPlanned, step);
        emitProgress(emit, run, entry.norm, step, shown, loss, step === 1 ? context : undefined);
      },
      onNaN: (finding: NanFinding) => emit({ type: 'layerNaN', run, finding }),
      // Telemetry reads the step's gradients, and a model with nothing to train has none.
      telemetry: request.telemetry === false || trainableParams === 0 ? undefined : new TelemetryCollector(tf, entry.model, request.steps, sources, (step, layers) => emit({ type: 'layerStats', run, norm: entry.norm, step, layers })),
      // A Compare's one seed gets its interval from the held-out examples' paired bootstrap.
      scoreHeldOut: models.length === 2 ? (m, d) => {
        const scored = scoreExamples(tf, m, d);
        runScores = scored.scores;
        return { accuracy: scored.accuracy, error: scored.error };
      } : undefined,
    });
    notes.push(...scoringNote(scoring));
    scores.push(runScores);
    runs.push({ ...report, ...(graph ? { graph } : {}), ...(inPlace ? { swapped: true } : {}) });
    // Compile does not free the optimizer it replaces: the next run's memory must not hold this one's slots.
    (entry.model as unknown as { optimizer?: tfjs.Optimizer }).optimizer?.dispose();
  }
  const budgetNote = budget.note(runs.filter((r) => r.nan === null).map((r) => r.steps), runtime.backend);
  notes.push(...(budgetNote ? [budgetNote] : []), ...outputNotes(runs));
  const standIns = browserStandIns.length > 0 ? { browserStandIns: browserStandIns.map((s) => s.name) } : {};
  const comparison = oneSeedComparison(data.task, runs, scores, request.seed, notes);
  return { ...info, data: data.source, task: data.task, model: name, file: request.file, runs, call, ...standIns, trainableParams, ...baselineOf(tf, data), notes, batchFit, ...(comparison ? { comparison } : {}), ...(inPlace ? { normSwapped: inPlace.swapped } : {}) };
}


/** The swapped copy of a captured model for its Compare; none (with a note) when it cannot be built or has nothing to swap. */
async function swappedForCompare(tf: typeof tfjs, model: tfjs.LayersModel, notes: string[]): Promise<{ model: tfjs.LayersModel; norm: NormKind }[]> {
  // A layer tfjs cannot rebuild from its config (a custom class) leaves the model as written to run alone.
  const swapped = await swapNorms(tf, model).catch((err: unknown) => {
    notes.push(`--compare: the swapped copy could not be built (${describeError(err).split(' — ')[0]}), so only the model as written ran`);
    return null;
  });
  if (swapped === undefined) {
    notes.push('--compare: the model has no BatchNormalization or RunningBatchNorm layer to swap, so only the model as written ran');
  }
  return swapped ? [{ model: swapped.model, norm: swapped.norm }] : [];
}

/** The longest length a variable input dimension was filled in with (1 when none is variable): what the layers' variable dimensions count as. */
function filledLength(model: tfjs.LayersModel, inputs: number[][]): number {
  return Math.max(1, ...model.inputs.flatMap((input, i) => input.shape.slice(1).map((d, k) => (d === null ? inputs[i]?.[k] ?? 1 : 1))));
}

/** The worker's memory as the batch fit needs it: the limit is the tightest of the backend's, the cap's and the machine's. */
function memoryStateOf(tf: typeof tfjs, backend: string, model: tfjs.LayersModel, limits: SessionLimits): MemoryState {
  return { backend, capMb: limits.memoryCapMb, rssBytes: process.memoryUsage.rss(), tensorBytes: tf.memory().numBytes, weightBytes: model.countParams() * 4, freeBytes: os.freemem() };
}

/** The memory's choice, lowered further when the probe found one step at that batch too long for the time left. */
export function timeFit(memory: BatchChoice, batch: number, askedStepMs: number | undefined, request: SanityRequest, shape: StepShape, backend: string): BatchChoice {
  if (batch >= memory.batchSize || askedStepMs === undefined) {
    return memory;
  }
  const why = `one step at batch size ${memory.batchSize} would take about ${(askedStepMs / 1000).toFixed(1)} s on ${backend}`;
  return lowerForTime(memory, batch, Math.round(request.timeoutMs / 1000), why, shape);
}

function runtimeOf(runtime: Awaited<ReturnType<typeof loadTfjsRuntime>>): SanityRuntime {
  const { tf } = runtime;
  const version = (tf.version as Record<string, string> | undefined)?.['tfjs'] ?? (tf.version_core as string | undefined) ?? 'unknown';
  const threads = runtime.threads ? { threads: runtime.threads.count, ...(runtime.threads.note ? { threadsNote: runtime.threads.note } : {}) } : {};
  return { backend: runtime.backend, backendSkipped: runtime.skipped, tfjs: { source: runtime.source, version, ...(runtime.reason ? { reason: runtime.reason } : {}) }, ...threads };
}

/**
 * Times every model (the probe puts its weights back), then plans the steps that fit the budget and
 * how many held-out examples the runs can score in it (`data` keeps only those).
 */
async function planBudget(
  tf: typeof tfjs,
  models: tfjs.LayersModel[],
  all: TrainingData,
  request: SanityRequest,
  batchSize: number,
  compile: (m: tfjs.LayersModel) => void,
  checkLimits: () => void,
  ctx: BudgetContext,
): Promise<{ budget: StepBudget; data: TrainingData; batchSize: number; askedStepMs?: number }> {
  const deadline = workerDeadlineMs(request.timeoutMs);
  const probes: Awaited<ReturnType<typeof probeModel>>[] = [];
  for (const model of models) {
    const first = probes[0];
    // Short of time, the swapped copy is assumed as fast as the model as written rather than timed.
    if (first && deadline - monotonicMs() < 6 * first.stepMs + first.evalMs) {
      probes.push(first);
      continue;
    }
    // The swapped copy trains at the batch the model as written got (the same data in the same order).
    const context = first ? { ...ctx, mayRefuse: false } : ctx;
    probes.push(await probeModel(tf, model, all, first?.batchSize ?? batchSize, () => deadline - monotonicMs(), () => compile(model), checkLimits, context));
  }
  const total = rowCount(all.testXs);
  const roomMs = deadline - monotonicMs() - probes.reduce((a, p) => a + p.stepMs, 0);
  const rows = heldOutRows(total, probes.map((p) => p.evalMsPerRow), request.timeoutMs, undefined, roomMs);
  const data = rows < total ? { ...all, testXs: sliceRows(all.testXs, 0, rows), testYs: sliceRows(all.testYs, 0, rows) } : all;
  logTiming(`timed ${probes.length} model${probes.length > 1 ? 's' : ''}: ${probes.map((p) => `${p.stepMs.toFixed(0)} ms per step${p.estimated ? ' (estimated)' : ''}, ${(p.forwardMs ?? 0).toFixed(0)} ms per example forward`).join('; ')}; scoring ${rows} of ${total} held-out examples`);
  const budget = new StepBudget(request.steps, probes, deadline, Math.round(request.timeoutMs / 1000), ctx, rows);
  return { budget, data, batchSize: probes[0].batchSize ?? batchSize, askedStepMs: probes[0].askedStepMs };
}

/** Timings in the worker's log (its stderr, kept by the launcher): where a slow run spends its time. */
export function logTiming(what: string): void {
  process.stderr.write(`rbn sanity worker at ${(monotonicMs() / 1000).toFixed(1)} s: ${what}\n`);
}

/** Tells the parent (and the log) what starts now, so that a timeout before the first step says where it was. */
export function phaseEmitter(emit: Emit, context: SessionContext): (phase: WorkerPhase, stepMs?: number) => void {
  return (phase, stepMs) => {
    logTiming(`starting ${phase}${context.params !== undefined ? ` (${context.params} parameters)` : ''}`);
    const extra = { ...(context.params !== undefined ? { params: context.params } : {}), ...(stepMs !== undefined ? { stepMs: Math.round(stepMs) } : {}) };
    emit({ type: 'phase', phase, elapsedMs: Math.round(monotonicMs()), ...extra });
  };
}

/** For a model with several outputs: the headline is the first output's; the others in a note. */
export function outputNotes(runs: RunReport[]): string[] {
  const outputs = runs[0]?.outputs;
  if (!outputs || outputs.length < 2) {
    return [];
  }
  const score = (o: { accuracy: number | null; error: number | null }) => (o.accuracy !== null ? `accuracy ${(o.accuracy * 100).toFixed(1)}%` : `MSE ${Number((o.error ?? NaN).toPrecision(3))}`);
  const rest = runs.map((r, i) => `${runs.length > 1 ? `run ${i + 1}: ` : ''}${(r.outputs ?? []).slice(1).map((o) => `${o.name} ${score(o)}`).join(', ')}`);
  return [`the model has ${outputs.length} outputs: the headline score is the first's (${outputs[0].name}); the others held out: ${rest.join('; ')}`];
}

/** About a hundred progress messages per run, plus the last step; the first carries the runtime and model size. */
export function emitProgress(emit: Emit, run: number, norm: NormKind, step: number, totalSteps: number, loss: number | null, context?: SessionContext): void {
  const every = Math.max(1, Math.floor(totalSteps / 100));
  if (step % every === 0 || step === totalSteps || step === 1) {
    emit({ type: 'progress', run, norm, step, totalSteps, loss, ...(context?.runtime ? { runtime: context.runtime } : {}), ...(context?.params !== undefined ? { params: context.params } : {}) });
  }
}
